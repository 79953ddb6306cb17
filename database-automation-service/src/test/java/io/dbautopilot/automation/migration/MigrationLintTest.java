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

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static io.dbautopilot.automation.migration.MigrationSupport.finished;
import static io.dbautopilot.automation.migration.MigrationSupport.operator;
import static io.dbautopilot.automation.migration.MigrationSupport.value;
import static io.dbautopilot.automation.migration.MigrationSupport.viewer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Migration lint with real migration folders against a real cluster: a clean migration (statements on new or small
 * tables, constant defaults) has no finding and applies in auto mode as before; a risky one (CREATE INDEX without
 * CONCURRENTLY on a table the catalog says is large, ALTER COLUMN TYPE, ADD COLUMN with a volatile default, SET NOT
 * NULL without a validated check) shows each finding in the dry run, and its auto apply waits for approval with
 * nothing applied until an operator approves.
 */
@QuarkusTest
@TestProfile(MigrationLintTestProfile.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "targets",
        value = "demo_target,lint_target"))
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MigrationLintTest {

    private static final String DB = "lint_target";

    @InjectInfra
    PostgresServer postgres;

    @BeforeAll
    void tables() {
        postgres.createDatabase(DB);
        postgres.execute(DB,
                "CREATE TABLE big (id int PRIMARY KEY, v int, name text)",
                "INSERT INTO big SELECT g, g % 100, 'n' || g FROM generate_series(1, 20000) g",
                "CREATE TABLE small (id int)",
                "INSERT INTO small SELECT g FROM generate_series(1, 10) g",
                "CREATE TABLE names (id int, nick text)",
                "INSERT INTO names SELECT g, 'x' || g FROM generate_series(1, 100) g",
                "CREATE TABLE checked (id int, CONSTRAINT checked_id_nn CHECK (id IS NOT NULL))",
                "ANALYZE big", "ANALYZE small", "ANALYZE names", "ANALYZE checked");
    }

    @Test
    @Order(1)
    void aCleanMigrationHasNoFindingAndAppliesInAutoModeAsBefore() throws Exception {
        script("V1__clean.sql", """
                -- a new table (in Flyway's schema app) may be indexed, altered and given defaults freely: it is empty
                CREATE TABLE fresh (id int PRIMARY KEY, note text);
                CREATE INDEX fresh_note ON fresh (note);
                ALTER TABLE fresh ALTER COLUMN note TYPE varchar(100), ADD COLUMN made timestamptz DEFAULT clock_timestamp();
                CREATE INDEX small_id ON public.small (id);
                ALTER TABLE public.big ADD COLUMN flag boolean DEFAULT false, ADD COLUMN seen_at timestamptz DEFAULT now();
                ALTER TABLE public.checked ALTER COLUMN id SET NOT NULL;
                """);
        JsonPath dry = operator().body("{}").post("/api/migrations/lint/dry-run").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of("1"), dry.getList("migrations.version"));
        assertEquals(List.of(), dry.getList("lint"), dry.prettify());

        JsonPath requested = operator().body("{\"mode\": \"auto\"}").post("/api/migrations/lint/apply").then()
                .statusCode(202).extract().jsonPath();
        assertEquals("auto", requested.getString("mode"));
        JsonPath done = finished(requested.getString("id"));
        assertEquals("succeeded", done.getString("status"), done.prettify());
        assertEquals("small_id", value(postgres, DB, "SELECT to_regclass('public.small_id')::text"));
        assertEquals(true, value(postgres, DB, "SELECT attnotnull FROM pg_attribute WHERE attrelid = 'checked'::regclass "
                + "AND attname = 'id'"));
    }

    @Test
    @Order(2)
    void eachFindingIsInTheDryRunAndAnAutoApplyWaitsForApproval() throws Exception {
        script("V2__risky.sql", """
                CREATE INDEX big_v ON public.big (v);
                ALTER TABLE public.names ALTER COLUMN nick TYPE varchar(20);
                ALTER TABLE public.big ADD COLUMN token timestamptz DEFAULT clock_timestamp();
                ALTER TABLE public.names ALTER COLUMN id SET NOT NULL;
                /* the safe way to SET NOT NULL: a validated check first */
                ALTER TABLE public.small ADD CONSTRAINT small_id_nn CHECK (id IS NOT NULL) NOT VALID;
                ALTER TABLE public.small VALIDATE CONSTRAINT small_id_nn;
                ALTER TABLE public.small ALTER COLUMN id SET NOT NULL;
                ALTER TABLE public.names SET UNLOGGED;
                CLUSTER public.big USING big_pkey;
                """);
        script("V3__concurrent.sql", "CREATE INDEX CONCURRENTLY big_name ON public.big (name);\n");
        JsonPath dry = operator().body("{}").post("/api/migrations/lint/dry-run").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of("2", "3"), dry.getList("migrations.version"));
        List<Map<String, Object>> lint = dry.getList("lint");
        assertEquals(List.of("create_index_not_concurrently", "alter_column_type", "add_column_volatile_default",
                "set_not_null_without_check", "table_rewrite", "table_rewrite"), lint.stream().map(f -> f.get("rule")).toList(),
                dry.prettify());
        assertEquals(List.of("public.big", "public.names", "public.big", "public.names", "public.names", "public.big"),
                lint.stream().map(f -> f.get("table")).toList());
        assertTrue(lint.stream().allMatch(f -> "2".equals(f.get("version")) && "V2__risky.sql".equals(f.get("script"))));
        assertTrue(((String) lint.get(0).get("detail")).contains("~20000 rows"), lint.get(0).toString());
        assertTrue(((String) lint.get(2).get("detail")).contains("clock_timestamp()"), lint.get(2).toString());
        assertEquals("CREATE INDEX big_v ON public.big (v)", lint.get(0).get("statement"));

        JsonPath requested = operator().body("{\"mode\": \"auto\"}").post("/api/migrations/lint/apply").then()
                .statusCode(202).extract().jsonPath();
        String opId = requested.getString("id");
        assertEquals("awaiting_approval", requested.getString("status"), requested.prettify());
        assertEquals("approval", requested.getString("mode"));
        assertTrue(requested.getString("reason").contains("held for approval (requested mode auto): migration lint "
                + "found 6 lock-taking statement(s)"), requested.getString("reason"));
        assertEquals(6, requested.getList("parameters.lint").size());
        assertTrue(((String) lint.get(5).get("detail")).startsWith("CLUSTER rewrites all of public.big"), lint.get(5).toString());
        // waiting for approval, it is never claimed: nothing of version 2 exists
        assertNull(value(postgres, DB, "SELECT to_regclass('public.big_v')::text"));
        assertEquals(0L, value(postgres, DB, "SELECT count(*) FROM app.flyway_schema_history WHERE version = '2'"));

        operator().post("/api/operations/" + opId + "/approve").then().statusCode(200);
        JsonPath done = finished(opId);
        assertEquals("succeeded", done.getString("status"), done.prettify());
        assertEquals("big_v", value(postgres, DB, "SELECT to_regclass('public.big_v')::text"));
        assertEquals("big_name", value(postgres, DB, "SELECT to_regclass('public.big_name')::text"));
        viewer().get("/api/operations/" + opId).then().statusCode(200);
    }

    private static void script(String name, String sql) throws IOException {
        Files.writeString(MigrationLintTestProfile.LOCATION.resolve(name), sql);
    }
}
