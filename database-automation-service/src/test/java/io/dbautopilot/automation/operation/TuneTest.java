package io.dbautopilot.automation.operation;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tune operation on a real cluster: requested through POST /api/operations it waits for approval, then applies
 * (ALTER SYSTEM + reload: pg_settings shows the value); a restart-only setting, a setting not allowed and a bad value
 * are refused with problem+json; a tune that makes a real workload spill to temp files is reverted automatically after
 * the verification window and the revert is on autopilot.operations.v1. Every ALTER SYSTEM is reset after each test.
 */
@QuarkusTest
@TestProfile(VerificationTestProfile.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class TuneTest {

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    private OperationsTestSupport support;
    private final AtomicBoolean workload = new AtomicBoolean();
    private Thread worker;

    @BeforeEach
    void open() {
        support = new OperationsTestSupport(kafka, postgres);
    }

    @AfterEach
    void close() throws Exception {
        workload.set(false);
        if (worker != null) {
            worker.join(30_000);
        }
        // the cluster is shared by the test class: undo every ALTER SYSTEM a test caused
        postgres.execute("postgres", "ALTER SYSTEM RESET ALL", "SELECT pg_reload_conf()");
        support.close();
    }

    @Test
    void aTuneWaitsForApprovalThenAppliesWithAReload() throws Exception {
        UUID id = UUID.fromString(request("random_page_cost", "1.5").statusCode(201)
                .body("status", equalTo("awaiting_approval")).body("mode", equalTo("approval"))
                .body("object", equalTo("random_page_cost")).body("parameters.value", equalTo("1.5"))
                .extract().jsonPath().getString("id"));
        approve(id);
        JsonNode succeeded = support.last(id, "succeeded");
        assertEquals("ALTER SYSTEM SET random_page_cost = '1.5'; SELECT pg_reload_conf()",
                succeeded.path("details").path("effect").path("statement").asText());
        assertEquals("4", succeeded.path("details").path("effect").path("previous_setting").asText());
        assertEquals("1.5", support.targetValue("SELECT setting FROM pg_settings WHERE name = 'random_page_cost'"),
                "a new session sees the value after the reload");
        assertEquals("1.5", support.targetValue("""
                SELECT setting FROM pg_file_settings WHERE name = 'random_page_cost'
                   AND sourcefile LIKE '%postgresql.auto.conf'"""));

        // registered for the verification after the window (its verdict depends on the background traffic: the
        // regression test below checks a verdict)
        await(() -> support.stateValue("SELECT 1 FROM automation.verification WHERE operation_id = ?", id) != null);
        assertEquals("random_page_cost", support.stateValue(
                "SELECT baseline->>'setting' FROM automation.verification WHERE operation_id = ?", id));
    }

    @Test
    void restartOnlySettingsAndBadValuesAreRefusedWithAProblem() {
        request("shared_buffers", "256MB").statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("needs a restart of PostgreSQL"))
                .body("detail", containsString("only recommended"));
        request("fsync", "off").statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("not one a tune may change"));
        request("work_mem", "lots").statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("is not a number"));
        request("work_mem", "1'; SELECT pg_terminate_backend(1); --").statusCode(400)
                .contentType("application/problem+json");
        request("work_mem", "10TB").statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("outside the range of work_mem"));
        request("work_mem", "64ms").statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("unit 'ms' does not fit work_mem"));
        request("no_such_setting", "1").statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("is not a setting of database 'demo'"));
    }

    @Test
    void trustObserveRecordsATuneAsWouldRunAndAnEmergencyStopRefusesIt() throws Exception {
        UUID observed = UUID.fromString(given().header("X-API-Key", OperationsTestSupport.OPERATOR)
                .contentType(ContentType.JSON)
                .body(Map.of("database", "watched", "type", "tune", "object", "work_mem", "value", "64kB"))
                .when().post("/api/operations").then().statusCode(201).body("status", equalTo("would_run"))
                .body("result.statement", equalTo("ALTER SYSTEM SET work_mem = '64kB'; SELECT pg_reload_conf()"))
                .extract().jsonPath().getString("id"));
        assertEquals("ALTER SYSTEM SET work_mem = '64kB'; SELECT pg_reload_conf()",
                support.last(observed, "would_run").path("details").path("statement").asText());
        assertEquals("4096", support.targetValue("SELECT setting FROM pg_settings WHERE name = 'work_mem'"),
                "nothing was applied");

        given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                .body("{\"target\":\"demo\",\"reason\":\"tune test\"}").post("/api/emergency-stop")
                .then().statusCode(200);
        try {
            request("work_mem", "64kB").statusCode(409).contentType("application/problem+json")
                    .body("detail", containsString("emergency stop"));
        } finally {
            given().header("X-API-Key", OperationsTestSupport.OPERATOR).delete("/api/emergency-stop?target=demo")
                    .then().statusCode(200);
        }
        assertNull(support.targetValue("""
                SELECT setting FROM pg_file_settings WHERE name = 'work_mem'
                   AND sourcefile LIKE '%postgresql.auto.conf'"""), "no ALTER SYSTEM reached the cluster");
    }

    @Test
    void aTuneThatMakesTheWorkloadSpillIsRevertedAndTheRevertPublished() throws Exception {
        String table = "tune_sorts_" + UUID.randomUUID().toString().substring(0, 8);
        postgres.execute(OperationsTestSupport.TARGET_DB,
                "CREATE TABLE public." + table + " (id int, r int)",
                "INSERT INTO public." + table + " SELECT g, (random() * 1000000)::int FROM generate_series(1, 20000) g",
                "ANALYZE public." + table);
        AtomicInteger runs = startSorting(table);
        await(() -> runs.get() > 10);
        assertEquals(0L, tempBytesOf(table), "with the default work_mem the sort stays in memory");

        UUID id = UUID.fromString(request("work_mem", "64kB").statusCode(201).extract().jsonPath().getString("id"));
        approve(id);
        JsonNode succeeded = support.last(id, "succeeded");
        assertEquals("64kB", succeeded.path("details").path("effect").path("value").asText());
        assertTrue(!succeeded.path("details").path("effect").hasNonNull("previous_value"), succeeded.toString());

        JsonNode verified = support.last(id, "verified");
        JsonNode details = verified.path("details");
        assertEquals("regressed", details.path("verdict").asText(), verified.toString());
        assertTrue(details.path("summary").asText().contains("temp spill"), verified.toString());
        UUID revert = UUID.fromString(details.path("rollback_operation_id").asText());
        JsonNode requested = support.last(revert, "requested");
        assertEquals("tune_revert", requested.path("type").asText());
        assertEquals(id.toString(), requested.path("details").path("parameters").path("rollback_of").asText());
        JsonNode reverted = support.last(revert, "succeeded");
        assertEquals("ALTER SYSTEM RESET work_mem; SELECT pg_reload_conf()",
                reverted.path("details").path("effect").path("statement").asText());
        assertEquals("4096", support.targetValue("SELECT setting FROM pg_settings WHERE name = 'work_mem'"),
                "the default work_mem again after the revert");
        assertNull(support.targetValue("""
                SELECT setting FROM pg_file_settings WHERE name = 'work_mem'
                   AND sourcefile LIKE '%postgresql.auto.conf'"""), "postgresql.auto.conf no longer sets it");
    }

    private io.restassured.response.ValidatableResponse request(String setting, String value) {
        return given().header("X-API-Key", OperationsTestSupport.OPERATOR).contentType(ContentType.JSON)
                .body(Map.of("database", "demo", "type", "tune", "object", setting, "value", value,
                        "reason", "test"))
                .when().post("/api/operations").then();
    }

    private void approve(UUID id) {
        given().header("X-API-Key", OperationsTestSupport.OPERATOR).post("/api/operations/" + id + "/approve")
                .then().statusCode(200);
    }

    /** A client sorting 20,000 rows without pause (fits the default work_mem, spills with 64kB) until the test ends. */
    private AtomicInteger startSorting(String table) {
        AtomicInteger runs = new AtomicInteger();
        workload.set(true);
        worker = new Thread(() -> {
            try (Connection c = support.target(); Statement st = c.createStatement()) {
                while (workload.get()) {
                    st.executeQuery("SELECT max(rn) FROM (SELECT row_number() OVER (ORDER BY r) rn FROM public."
                            + table + ") s").close();
                    runs.incrementAndGet();
                }
            } catch (Exception e) {
                if (workload.get()) {
                    throw new IllegalStateException(e);
                }
            }
        }, "sorting-workload");
        worker.setDaemon(true);
        worker.start();
        return runs;
    }

    private long tempBytesOf(String table) throws Exception {
        Object v = support.targetValue("SELECT coalesce(sum(temp_blks_written), 0)::bigint FROM pg_stat_statements "
                + "WHERE query LIKE ?", "SELECT max(rn) FROM (SELECT row_number() OVER (ORDER BY r) rn FROM public."
                + table + "%");
        return ((Number) v).longValue();
    }

    private static void await(java.util.concurrent.Callable<Boolean> condition) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(condition);
    }
}
