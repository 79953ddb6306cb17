package io.dbautopilot.automation.migration;

import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.dbautopilot.automation.migration.MigrationSupport.columns;
import static io.dbautopilot.automation.migration.MigrationSupport.file;
import static io.dbautopilot.automation.migration.MigrationSupport.finished;
import static io.dbautopilot.automation.migration.MigrationSupport.operator;
import static io.dbautopilot.automation.migration.MigrationSupport.request;
import static io.dbautopilot.automation.migration.MigrationSupport.script;
import static io.dbautopilot.automation.migration.MigrationSupport.value;
import static io.dbautopilot.automation.migration.MigrationSupport.viewer;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One managed database through its migration life: dry run, apply V1..V3 with pre-migration backups (one restored
 * into a fresh database), an edited applied script (validate reports it, apply refuses), undo of V3, a failing V4.
 */
@QuarkusTest
@TestProfile(MigrationTestProfile.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "targets",
        value = "demo_target,mig_target,gate_target,twin_target,cic_target,watch_target,dumpcancel_target"))
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationLifecycleTest {

    private static final String DB = "mig_target";
    private static final String V2 = "ALTER TABLE accounts ADD COLUMN email text;\nINSERT INTO accounts VALUES (1, 'ann', 'ann@example.org');\n";

    @InjectInfra
    PostgresServer postgres;

    @BeforeAll
    void scripts() throws Exception {
        postgres.createDatabase(DB);
        script("mig", "V1__create_accounts.sql", "CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);\n");
        script("mig", "V2__add_email.sql", V2);
        script("mig", "V3__add_status.sql", "ALTER TABLE accounts ADD COLUMN status text NOT NULL DEFAULT 'active';\n");
        script("mig", "U3__add_status.sql", "ALTER TABLE accounts DROP COLUMN status;\n");
        Files.deleteIfExists(file("mig", "V4__broken.sql"));
    }

    @Test
    @Order(1)
    void aDryRunListsThePendingMigrationsInOrderWithTheirSqlAndChangesNothing() throws Exception {
        JsonPath dry = operator().body("{\"target_version\":\"3\"}").when().post("/api/migrations/mig/dry-run")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("1", "2", "3"), dry.getList("migrations.version"));
        assertTrue(dry.getString("migrations[0].sql").contains("CREATE TABLE accounts"));
        assertTrue(dry.getString("migrations[1].sql").contains("ADD COLUMN email"));
        assertTrue(dry.getBoolean("validation.valid"));
        assertNull(dry.get("current_version"));
        assertEquals(List.of(), columns(postgres, DB, "public.accounts"), "a dry run changes nothing");

        JsonPath status = viewer().when().get("/api/migrations?database=mig").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("pending", "pending", "pending"), status.getList("status"));
        assertEquals(List.of("mig:1", "mig:2", "mig:3"), status.getList("migration_id"));
        assertEquals(List.of(false, false, true), status.getList("rollback_available"), "only V3 has an undo script");
        assertNotNull(status.get("[0].checksum"));
    }

    @Test
    @Order(2)
    void applyUpToATargetThenTheRestWithAVerifiedBackupThatRestoresToThePreMigrationSchema() throws Exception {
        JsonPath first = finished(request("mig", "apply", "{\"target_version\":\"2\"}"));
        assertEquals("succeeded", first.getString("status"), first.prettify());
        assertEquals("2", first.getString("result.to_version"));
        assertEquals(List.of("id", "name", "email"), columns(postgres, DB, "public.accounts"));

        JsonPath second = finished(request("mig", "apply", "{}"));
        assertEquals("succeeded", second.getString("status"), second.prettify());
        assertEquals("2", second.getString("result.from_version"));
        assertEquals("3", second.getString("result.to_version"));
        assertEquals(List.of("3"), second.getList("result.applied.version"));
        assertEquals(List.of("id", "name", "email", "status"), columns(postgres, DB, "public.accounts"));

        Map<String, Object> backup = second.getMap("result.backup");
        assertEquals("pg_dump", backup.get("method"));
        assertEquals("pg_restore --list", backup.get("verified_by"));
        Path dump = Path.of((String) backup.get("location"));
        assertTrue(Files.size(dump) > 0, "the dump exists: " + dump);
        // private whatever the JVM's umask (0022 here: pg_dump alone leaves rw-r--r-- and rwxr-xr-x)
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dump)));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dump.getParent())));

        // restore the pre-V3 dump into a fresh database: the schema is the one before the migration (V2)
        postgres.createDatabase("mig_restored");
        ProcessBuilder pb = new ProcessBuilder("/usr/lib/postgresql/15/bin/pg_restore", "--no-owner",
                "--host=" + postgres.host(), "--port=" + postgres.port(), "--username=" + postgres.user(),
                "--dbname=mig_restored", dump.toString()).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", postgres.password());
        Process restore = pb.start();
        assertTrue(restore.waitFor(60, TimeUnit.SECONDS));
        String out = new String(restore.getInputStream().readAllBytes());
        assertEquals(0, restore.exitValue(), out);
        assertEquals(List.of("id", "name", "email"), columns(postgres, "mig_restored", "public.accounts"));
        assertEquals("2", value(postgres, "mig_restored",
                "SELECT max(version::int)::text FROM public.flyway_schema_history WHERE success"));
        assertEquals("ann@example.org", value(postgres, "mig_restored", "SELECT email FROM accounts WHERE id = 1"));

        viewer().when().get("/api/databases").then().statusCode(200)
                .body("find { it.id == 'mig' }.schema_version", equalTo("3"));
        JsonPath status = viewer().when().get("/api/migrations?database=mig").then().extract().jsonPath();
        assertEquals(List.of("completed", "completed", "completed"), status.getList("status"));
        assertNotNull(status.get("[2].applied_at"));
    }

    @Test
    @Order(3)
    void anEditedAppliedScriptIsReportedWithFileAndBothChecksumsAndApplyRefuses() throws Exception {
        script("mig", "V2__add_email.sql", V2 + "-- edited after it was applied\nCREATE INDEX accounts_email ON accounts (email);\n");
        JsonPath report = viewer().when().get("/api/migrations/mig/validate").then().statusCode(200).extract().jsonPath();
        assertFalse(report.getBoolean("valid"));
        assertEquals("2", report.getString("checksum_mismatches[0].version"));
        assertTrue(report.getString("checksum_mismatches[0].file").endsWith("V2__add_email.sql"));
        Integer applied = report.get("checksum_mismatches[0].applied_checksum");
        Integer resolved = report.get("checksum_mismatches[0].resolved_checksum");
        assertNotNull(applied);
        assertNotNull(resolved);
        assertNotEquals(applied, resolved);
        assertTrue(report.getString("what_to_do").contains("never repairs"));

        script("mig", "V4__never_runs.sql", "CREATE TABLE never_created (id int);\n");
        JsonPath refused = finished(request("mig", "apply", "{}"));
        assertEquals("failed", refused.getString("status"));
        assertTrue(refused.getString("error").contains("checksum mismatch of version 2"), refused.getString("error"));
        assertTrue(refused.getString("error").contains(applied.toString()) && refused.getString("error").contains(resolved.toString()));
        assertNull(value(postgres, DB, "SELECT to_regclass('public.never_created')::text"), "nothing applied");
        assertEquals(applied, value(postgres, DB, "SELECT checksum FROM flyway_schema_history WHERE version = '2'"),
                "the recorded checksum was not repaired");

        Files.delete(file("mig", "V4__never_runs.sql"));
        script("mig", "V2__add_email.sql", V2);
        viewer().when().get("/api/migrations/mig/validate").then().statusCode(200).body("valid", equalTo(true));
    }

    @Test
    @Order(4)
    void undoOfV3RunsItsUndoScriptAndTheHistoryShowsIt() throws Exception {
        // an undo waits for approval by default, and nothing runs before it
        String undoId = request("mig", "undo", "{\"to_version\":\"2\"}");
        viewer().when().get("/api/operations/" + undoId).then().body("status", equalTo("awaiting_approval"));
        assertEquals(List.of("id", "name", "email", "status"), columns(postgres, DB, "public.accounts"));
        operator().when().post("/api/operations/" + undoId + "/approve").then().statusCode(200);
        JsonPath undo = finished(undoId);
        assertEquals("succeeded", undo.getString("status"), undo.prettify());
        // a pre-undo backup like apply's: a verified pg_dump of the schema at V3
        Map<String, Object> backup = undo.getMap("result.backup");
        assertEquals("pg_dump", backup.get("method"), undo.prettify());
        assertEquals("pg_restore --list", backup.get("verified_by"));
        assertTrue(Files.size(Path.of((String) backup.get("location"))) > 0);
        assertEquals("3", undo.getString("result.from_version"));
        assertEquals("2", undo.getString("result.to_version"));
        assertEquals(List.of("id", "name", "email"), columns(postgres, DB, "public.accounts"));
        assertEquals("DELETE", value(postgres, DB,
                "SELECT type FROM flyway_schema_history WHERE version = '3' ORDER BY installed_rank DESC LIMIT 1"));
        assertEquals("U3__add_status.sql", value(postgres, DB,
                "SELECT script FROM flyway_schema_history WHERE version = '3' AND type = 'DELETE'"));

        JsonPath status = viewer().when().get("/api/migrations?database=mig").then().extract().jsonPath();
        assertEquals(List.of("completed", "completed", "undone"), status.getList("status"));
        assertNotNull(status.get("[2].applied_at"));
        viewer().when().get("/api/databases").then().body("find { it.id == 'mig' }.schema_version", equalTo("2"));

        // V2 has no undo script: undoing down to V1 refuses before touching anything
        JsonPath noScript = finished(request("mig", "undo", "{\"to_version\":\"1\",\"mode\":\"auto\"}"));
        assertEquals("failed", noScript.getString("status"));
        assertTrue(noScript.getString("error").contains("no undo script for version(s) [2]"), noScript.getString("error"));
        assertEquals(List.of("id", "name", "email"), columns(postgres, DB, "public.accounts"));
    }

    @Test
    @Order(5)
    void aFailingV4LeavesTheSchemaAtV3AndTheRunFailedWithTheError() throws Exception {
        script("mig", "V4__broken.sql", "ALTER TABLE accounts ADD COLUMN broken int;\nSELECT 1 / 0;\n");
        JsonPath run = finished(request("mig", "apply", "{}"));
        assertEquals("failed", run.getString("status"));
        assertTrue(run.getString("error").contains("division by zero"), run.getString("error"));
        assertTrue(run.getString("error").contains("migration 4 (V4__broken.sql)"), run.getString("error"));
        assertTrue(run.getString("error").contains("schema stays at version 3"), run.getString("error"));
        assertEquals(List.of("id", "name", "email", "status"), columns(postgres, DB, "public.accounts"),
                "V3 was re-applied after its undo, V4 rolled back");
        viewer().when().get("/api/databases").then().body("find { it.id == 'mig' }.schema_version", equalTo("3"));
        JsonPath status = viewer().when().get("/api/migrations?database=mig").then().extract().jsonPath();
        assertEquals(List.of("completed", "completed", "completed", "failed"), status.getList("status"));
        assertTrue(status.getString("[3].error").contains("division by zero"));
        viewer().when().get("/api/migrations?database=nope").then().statusCode(404)
                .contentType("application/problem+json").body("detail", containsString("not a managed database"));
    }
}
