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
 * are refused with problem+json; a tune that makes a real workload spill to temp files, one that cuts a real
 * workload's transaction rate and one that slows its statements at an unchanged rate are each reverted automatically
 * after the verification window, the revert on autopilot.operations.v1 and the before/after windows kept as named
 * baselines. Every ALTER SYSTEM is reset after each test.
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
        assertNamedBaselines(id, "work_mem", succeeded, details);
    }

    @Test
    void aTuneThatCutsTheTransactionRateIsReverted() throws Exception {
        String table = lookupTable();
        AtomicInteger runs = startLookups(table, null);
        await(() -> runs.get() > 200);
        // random_page_cost 10000 prices every index scan out: each lookup becomes a sequential scan of 300,000 rows
        UUID id = UUID.fromString(request("random_page_cost", "10000").statusCode(201).extract().jsonPath().getString("id"));
        approve(id);
        JsonNode succeeded = support.last(id, "succeeded");
        JsonNode details = support.last(id, "verified").path("details");
        assertEquals("regressed", details.path("verdict").asText(), details.toString());
        String summary = details.path("summary").asText();
        assertTrue(summary.matches("random_page_cost = 10000: TPS [0-9.]+ against [0-9.]+ before \\(down more than 20 %\\).*"),
                summary);
        UUID revert = UUID.fromString(details.path("rollback_operation_id").asText());
        assertEquals("ALTER SYSTEM RESET random_page_cost; SELECT pg_reload_conf()",
                support.last(revert, "succeeded").path("details").path("effect").path("statement").asText());
        assertEquals("4", support.targetValue("SELECT setting FROM pg_settings WHERE name = 'random_page_cost'"));
        assertNamedBaselines(id, "random_page_cost", succeeded, details);
    }

    @Test
    void aTuneThatSlowsStatementsAtAnUnchangedRateIsReverted() throws Exception {
        String table = lookupTable();
        // paced: one lookup every 100 ms on a fixed schedule, so the rate stays the same however long each one takes
        AtomicInteger runs = startLookups(table, java.time.Duration.ofMillis(100));
        await(() -> runs.get() > 20);
        UUID id = UUID.fromString(request("random_page_cost", "10000").statusCode(201).extract().jsonPath().getString("id"));
        approve(id);
        support.last(id, "succeeded");
        JsonNode details = support.last(id, "verified").path("details");
        assertEquals("regressed", details.path("verdict").asText(), details.toString());
        String summary = details.path("summary").asText();
        assertTrue(summary.matches("random_page_cost = 10000: statement mean time [0-9.]+ ms against [0-9.]+ ms before "
                + "\\(up more than 50 %\\).*"), summary);
        assertTrue(!summary.contains("down more than"), "the rate held: only the mean time regressed: " + summary);
        UUID revert = UUID.fromString(details.path("rollback_operation_id").asText());
        support.last(revert, "succeeded");
        assertEquals("4", support.targetValue("SELECT setting FROM pg_settings WHERE name = 'random_page_cost'"));
    }

    /** The tune's before and after windows are named baselines, listed and served by name to viewers. */
    private void assertNamedBaselines(UUID id, String setting, JsonNode succeeded, JsonNode verified) {
        String before = "tune-" + setting + "-" + id + "-before";
        String after = "tune-" + setting + "-" + id + "-after";
        assertEquals(before, succeeded.path("details").path("effect").path("baseline_before_name").asText());
        assertEquals(before, verified.path("measured").path("baseline_before").asText(), verified.toString());
        assertEquals(after, verified.path("measured").path("baseline_after").asText(), verified.toString());
        io.restassured.path.json.JsonPath listed = given().header("X-API-Key", OperationsTestSupport.VIEWER)
                .get("/api/targets/demo/tune-baselines").then().statusCode(200).extract().jsonPath();
        assertTrue(listed.getList("name").containsAll(java.util.List.of(before, after)), listed.prettify());
        given().header("X-API-Key", OperationsTestSupport.VIEWER).get("/api/targets/demo/tune-baselines/" + after)
                .then().statusCode(200).body("phase", equalTo("after")).body("operation_id", equalTo(id.toString()))
                .body("figures.tps", equalTo((float) verified.path("measured").path("after").path("tps").asDouble()));
        given().header("X-API-Key", OperationsTestSupport.VIEWER).get("/api/targets/demo/tune-baselines/" + before)
                .then().statusCode(200).body("phase", equalTo("before"))
                .body("figures.tps", equalTo((float) verified.path("measured").path("before").path("tps").asDouble()));
        given().header("X-API-Key", OperationsTestSupport.VIEWER).get("/api/targets/demo/tune-baselines/nope")
                .then().statusCode(400).contentType("application/problem+json");
    }

    /** A table of 300,000 rows with a primary key: a lookup by id is an index scan unless the planner is steered away. */
    private String lookupTable() throws Exception {
        String table = "tune_lookups_" + UUID.randomUUID().toString().substring(0, 8);
        postgres.execute(OperationsTestSupport.TARGET_DB, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements",
                "CREATE TABLE public." + table + " (id int PRIMARY KEY, v int)",
                "INSERT INTO public." + table + " SELECT g, g % 97 FROM generate_series(1, 300000) g",
                "VACUUM ANALYZE public." + table);
        return table;
    }

    /** A client looking rows up by id (simple queries, planned each time) until the test ends; see startClient. */
    private AtomicInteger startLookups(String table, java.time.Duration pace) {
        java.util.Random random = new java.util.Random(17);
        return startClient("lookup-workload", pace, st -> st.executeQuery("SELECT v FROM public." + table
                + " WHERE id = " + (1 + random.nextInt(300000))).close());
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
        return startClient("sorting-workload", null, st -> st.executeQuery("SELECT max(rn) FROM (SELECT row_number() "
                + "OVER (ORDER BY r) rn FROM public." + table + ") s").close());
    }

    /** One statement of a test client. */
    @FunctionalInterface
    private interface Step {
        void run(Statement st) throws Exception;
    }

    /**
     * A client running {@code step} until the test ends: back to back when {@code pace} is null, else one every
     * {@code pace} on a fixed schedule (the rate holds however long each takes); returns the count of runs.
     */
    private AtomicInteger startClient(String name, java.time.Duration pace, Step step) {
        AtomicInteger runs = new AtomicInteger();
        workload.set(true);
        worker = new Thread(() -> {
            long next = System.nanoTime();
            try (Connection c = support.target(); Statement st = c.createStatement()) {
                while (workload.get()) {
                    step.run(st);
                    runs.incrementAndGet();
                    if (pace != null) {
                        next += pace.toNanos();
                        long wait = next - System.nanoTime();
                        if (wait > 0) {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        }
                    }
                }
            } catch (Exception e) {
                if (workload.get()) {
                    throw new IllegalStateException(e);
                }
            }
        }, name);
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
