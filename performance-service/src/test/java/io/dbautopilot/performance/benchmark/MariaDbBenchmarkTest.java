package io.dbautopilot.performance.benchmark;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.mariadb.MariaDbServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.MariaDbTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventValidator;
import io.dbautopilot.model.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static io.dbautopilot.performance.benchmark.BenchmarkApi.awaitEnd;
import static io.dbautopilot.performance.benchmark.BenchmarkApi.awaitRun;
import static io.dbautopilot.performance.benchmark.BenchmarkApi.metric;
import static io.dbautopilot.performance.benchmark.BenchmarkApi.start;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Benchmarks of a real throwaway MariaDB with 1-second steps: a full run measures every category of the PostgreSQL
 * suite with plausible numbers (client-side percentiles, LOAD DATA faster than single-row INSERTs), publishes a
 * schema-valid event and leaves no scratch database; a cancel ends its clients and drops the scratch database; a user
 * without the grant gets a failed run naming the grant; a Redis target gets a 409 naming its engine.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(MariaDbTestResource.class)
class MariaDbBenchmarkTest {

    @InjectInfra
    MariaDbServer mariadb;

    @InjectInfra
    KafkaBroker kafka;

    static final List<Path> FILES = new ArrayList<>();

    @AfterAll
    static void cleanUp() throws Exception {
        for (Path f : FILES) {
            Files.deleteIfExists(f);
        }
    }

    private void register(String id, String engine, String url, String user, String password) throws Exception {
        Path file = Files.createTempFile("bench-maria-password", ".txt");
        FILES.add(file);
        Files.writeString(file, password);
        String body = """
                {"engine": "%s", "url": "%s", "username": "%s", "credentials_ref": "file:%s",
                 "labels": {"benchmark": "allowed"}, "collection": {"interval": "5s"}}""".formatted(engine, url, user,
                file);
        RestAssured.given().contentType(ContentType.JSON).body(body).put("/api/targets/" + id).then()
                .statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.equalTo(200),
                        org.hamcrest.Matchers.equalTo(201)));
    }

    private Connection root() throws Exception {
        return DriverManager.getConnection(mariadb.jdbcUrl(), mariadb.user(), mariadb.password());
    }

    private boolean databaseExists(String name) throws Exception {
        try (Connection c = root();
             PreparedStatement st = c.prepareStatement("SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The server's {@code Connections} counter: every connection attempt since it started. */
    private static long connections(Connection c) throws Exception {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS LIKE 'Connections'")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    /** Sessions of the server in a database (as the all-privileged user sees every session). */
    private int sessionsIn(String database) throws Exception {
        try (Connection c = root();
             PreparedStatement st = c.prepareStatement("SELECT count(*) FROM information_schema.PROCESSLIST WHERE DB = ?")) {
            st.setString(1, database);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void aFullRunMeasuresEveryCategoryOnMariaDb() throws Exception {
        register("bench-maria", "mariadb", mariadb.url(), mariadb.user(), mariadb.password());
        try (TopicReader benchmarks = new TopicReader(kafka.bootstrapServers(), Topics.BENCHMARKS)) {
            String id = start("bench-maria", "{\"step_duration\": \"1s\"}");
            JsonPath run = awaitEnd("bench-maria", id);

            assertEquals("succeeded", run.getString("status"), run.prettify());
            assertEquals(BenchmarkSuite.MARIADB_NAME, run.getString("suite"));
            assertEquals(Set.of("connection_latency", "simple_query_latency", "write_tps", "read_tps", "pool_scaling",
                            "sustained", "sustained_vs_peak", "single_row_insert", "multi_row_insert", "bulk_load"),
                    Set.copyOf(run.getList("steps.category", String.class)));
            assertEquals(List.of("connect", "select_1", "tpcb_1", "tpcb_16", "select_only_1", "select_only_4",
                    "select_only_16", "select_only_64", "pool_scaling", "sustained_16", "sustained_vs_peak",
                    "insert_single_row", "insert_multi_row", "load_data"), run.getList("steps.name", String.class));
            for (String step : List.of("connect", "select_1", "tpcb_1", "tpcb_16", "select_only_1", "select_only_4",
                    "select_only_16", "select_only_64", "sustained_16", "insert_single_row", "insert_multi_row")) {
                double tps = metric(run, step, "tps");
                double p50 = metric(run, step, "latency_p50_ms");
                double p95 = metric(run, step, "latency_p95_ms");
                double p99 = metric(run, step, "latency_p99_ms");
                assertTrue(tps > 0, step + " tps " + tps);
                assertTrue(p50 > 0 && p50 <= p95 && p95 <= p99, step + " percentiles " + p50 + " " + p95 + " " + p99);
                assertTrue(run.getDouble("steps.find { it.name == '" + step + "' }.duration_seconds") >= 0.9,
                        step + " measured for its duration: " + run.prettify());
            }
            // connection latency: a new session per SELECT 1 costs more than SELECT 1 on a kept one
            assertTrue(metric(run, "connect", "latency_p50_ms") > metric(run, "select_1", "latency_p50_ms"),
                    run.prettify());
            assertEquals(metric(run, "connect", "tps"), metric(run, "connect", "connections_per_second"));
            assertTrue(metric(run, "connect", "connections_per_second") < metric(run, "select_1", "tps"));

            // pool scaling: every count measured with its own clients, the knee one of them
            TreeMap<Integer, Double> scaling = new TreeMap<>();
            for (int clients : List.of(1, 4, 16, 64)) {
                assertEquals(clients, run.getInt("steps.find { it.name == 'select_only_" + clients + "' }.clients"));
                scaling.put(clients, metric(run, "select_only_" + clients, "tps"));
            }
            assertEquals(BenchmarkSuite.knee(scaling, 0.1), (int) metric(run, "pool_scaling", "knee_clients"),
                    "knee of " + scaling);
            assertEquals(200, metric(run, "pool_scaling", "max_connections"), "the throwaway server's setting");
            assertTrue(metric(run, "pool_scaling", "client_limit") >= 64, run.prettify());
            assertNull(run.get("steps.find { it.name == 'pool_scaling' }.metrics.capped_from_clients"), "nothing capped");

            // sustained (2 s in tests) against the peak
            assertEquals(16, run.getInt("steps.find { it.name == 'sustained_16' }.clients"));
            assertTrue(run.getDouble("steps.find { it.name == 'sustained_16' }.duration_seconds") > 1.5, run.prettify());
            assertEquals(metric(run, "tpcb_16", "tps"), metric(run, "sustained_vs_peak", "peak_tps"));
            assertEquals(metric(run, "sustained_16", "tps"), metric(run, "sustained_vs_peak", "sustained_tps"));

            // inserts: bulk load > multi-row > single-row, in rows per second
            double single = metric(run, "insert_single_row", "rows_per_second");
            double multi = metric(run, "insert_multi_row", "rows_per_second");
            double bulk = metric(run, "load_data", "rows_per_second");
            assertEquals(100, metric(run, "insert_multi_row", "rows_per_statement"));
            assertEquals(metric(run, "insert_multi_row", "tps") * 100, multi, 1e-6 * multi);
            assertTrue(metric(run, "load_data", "rows") > 0, run.prettify());
            assertTrue(bulk > single, "LOAD DATA " + bulk + " rows/s vs single-row INSERT " + single);
            assertTrue(multi > single, "multi-row INSERT " + multi + " rows/s vs single-row INSERT " + single);

            String scratch = run.getString("scratch_database");
            assertTrue(scratch.matches(ScratchDatabase.PREFIX + "[0-9a-f]{32}"), scratch);
            assertFalse(databaseExists(scratch), "scratch database dropped");

            TopicReader.Seen event = benchmarks.await(30, "for run " + id, s -> s.value().contains(id));
            assertEquals(List.of(), EventValidator.shared().validate(EventKind.BENCHMARK, event.value()), event.value());
            assertEquals("bench-maria", event.key());
            assertTrue(event.value().contains("\"suite\":\"" + BenchmarkSuite.MARIADB_NAME + "\""), event.value());
        } finally {
            RestAssured.delete("/api/targets/bench-maria");
        }
    }

    @Test
    void cancellingEndsTheClientsAndDropsTheScratchDatabase() throws Exception {
        register("bench-maria-c", "mariadb", mariadb.url(), mariadb.user(), mariadb.password());
        try {
            String id = start("bench-maria-c", "{\"step_duration\": \"60s\"}");
            JsonPath running = awaitRun("bench-maria-c", id, Duration.ofMinutes(1),
                    j -> "connect".equals(j.getString("current_step")));
            String scratch = running.getString("scratch_database");
            assertTrue(databaseExists(scratch));
            // the connect step's client opens a session per SELECT 1: the server's connection count keeps growing
            // (read on one session of the test's own, so the test adds no connection while it watches)
            try (Connection watcher = root()) {
                long before = connections(watcher);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (connections(watcher) - before < 20 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertTrue(connections(watcher) - before >= 20, "the connect step's client connects again and again");
            }

            RestAssured.delete("/api/targets/bench-maria-c/benchmarks/" + id).then().statusCode(202);
            JsonPath ended = awaitRun("bench-maria-c", id, Duration.ofSeconds(40),
                    j -> !"running".equals(j.getString("status")));
            assertEquals("cancelled", ended.getString("status"), ended.prettify());
            assertFalse(databaseExists(scratch), "scratch database dropped");
            assertEquals(0, sessionsIn(scratch), "no session left in it");
        } finally {
            RestAssured.delete("/api/targets/bench-maria-c");
        }
    }

    @Test
    void aUserWithoutTheGrantGetsAFailedRunNamingItAndRedisIsRefused() throws Exception {
        try (Connection c = root(); Statement st = c.createStatement()) {
            st.execute("CREATE USER IF NOT EXISTS 'bench_nogrant'@'%' IDENTIFIED BY 'NoGrant42'");
            st.execute("GRANT SELECT ON `" + mariadb.database() + "`.* TO 'bench_nogrant'@'%'");
        }
        register("bench-maria-n", "mariadb", mariadb.url(), "bench_nogrant", "NoGrant42");
        RestAssured.given().contentType(ContentType.JSON).body("""
                {"engine": "redis", "url": "redis://127.0.0.1:6379/0", "labels": {"benchmark": "allowed"}}""")
                .put("/api/targets/bench-redis").then().statusCode(org.hamcrest.Matchers.anyOf(
                        org.hamcrest.Matchers.equalTo(200), org.hamcrest.Matchers.equalTo(201)));
        try {
            String id = start("bench-maria-n", "{\"step_duration\": \"1s\"}");
            JsonPath failed = awaitEnd("bench-maria-n", id);
            assertEquals("failed", failed.getString("status"), failed.prettify());
            assertTrue(failed.getString("error").contains("GRANT CREATE, DROP"), failed.getString("error"));
            assertTrue(failed.getString("error").contains("bench_nogrant"), failed.getString("error"));
            assertFalse(failed.getString("error").contains("NoGrant42"), "no secret in the error");
            assertFalse(failed.getString("error").contains("could not be dropped"), "nothing was created to drop");

            RestAssured.given().contentType(ContentType.JSON).body("{}").post("/api/targets/bench-redis/benchmarks")
                    .then().statusCode(409).contentType("application/problem+json")
                    .body("detail", containsString("redis"))
                    .body("detail", containsString("mariadb and postgresql targets only"));
        } finally {
            RestAssured.delete("/api/targets/bench-maria-n");
            RestAssured.delete("/api/targets/bench-redis");
            try (Connection c = root(); Statement st = c.createStatement()) {
                st.execute("DROP USER IF EXISTS 'bench_nogrant'@'%'");
            }
        }
    }
}
