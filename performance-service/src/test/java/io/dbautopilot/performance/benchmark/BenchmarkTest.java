package io.dbautopilot.performance.benchmark;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.BenchmarkEvent;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.EventValidator;
import io.dbautopilot.model.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.dbautopilot.performance.benchmark.BenchmarkApi.awaitEnd;
import static io.dbautopilot.performance.benchmark.BenchmarkApi.awaitRun;
import static io.dbautopilot.performance.benchmark.BenchmarkApi.metric;
import static io.dbautopilot.performance.benchmark.BenchmarkApi.start;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Benchmarks against the real throwaway cluster with 1-second steps: a full run measures every category plausibly,
 * publishes a schema-valid event and streams its progress; an artificially slowed second run is a regression with an
 * anomaly, and a later clean run compared with the named baseline resolves it; an unlabelled target is refused before
 * any connection; a cancel and the run's time budget kill pgbench and drop the scratch database.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class BenchmarkTest {

    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    KafkaBroker kafka;

    @TestHTTPResource("/api/live/stream")
    URI liveStream;

    static Path passwordFile;

    @BeforeAll
    static void password() throws Exception {
        passwordFile = Files.createTempFile("bench-password", ".txt");
        passwordFile.toFile().deleteOnExit();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        Files.deleteIfExists(passwordFile);
    }

    private void register(String id, String url, Map<String, String> labels) throws Exception {
        Files.writeString(passwordFile, postgres.password());
        String labelJson = labels.entrySet().stream().map(e -> "\"" + e.getKey() + "\": \"" + e.getValue() + "\"")
                .collect(Collectors.joining(", ", "{", "}"));
        String body = """
                {"id": "%s", "engine": "postgresql", "url": "%s", "username": "%s", "credentials_ref": "file:%s",
                 "labels": %s, "collection": {"interval": "5s", "include_databases": ["demo_target"]}}
                """.formatted(id, url, postgres.user(), passwordFile, labelJson);
        RestAssured.given().contentType(ContentType.JSON).body(body).post("/api/targets").then().statusCode(201);
    }

    private static void unregister(String id) {
        RestAssured.delete("/api/targets/" + id);
    }

    private boolean databaseExists(String name) throws Exception {
        try (Connection c = postgres.connect("postgres");
             PreparedStatement st = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Test
    void aFullRunMeasuresEveryCategoryAndASlowedRunIsARegressionWithAnAnomaly() throws Exception {
        register("bench-a", postgres.uri("demo_target"), Map.of("benchmark", "allowed", "env", "test"));
        try (LiveStream live = new LiveStream(liveStream);
             TopicReader benchmarks = new TopicReader(kafka.bootstrapServers(), Topics.BENCHMARKS);
             TopicReader anomalies = new TopicReader(kafka.bootstrapServers(), Topics.ANOMALIES)) {
            String first = start("bench-a", "{\"step_duration\": \"1s\"}");
            JsonPath run = awaitEnd("bench-a", first);

            assertEquals("succeeded", run.getString("status"), run.prettify());
            assertEquals(BenchmarkSuite.NAME, run.getString("suite"));
            assertNull(run.get("compared_with"), "the target's first run has nothing to compare with");
            assertEquals(List.of(), run.getList("steps.findAll { it.metrics.remeasured != null }.name"),
                    "nothing measured twice without a baseline");
            assertEquals(Set.of("connection_latency", "simple_query_latency", "write_tps", "read_tps", "pool_scaling",
                            "sustained", "sustained_vs_peak", "single_row_insert", "multi_row_insert", "copy"),
                    Set.copyOf(run.getList("steps.category", String.class)));
            List<String> pgbenchSteps = List.of("connect", "select_1", "tpcb_1", "tpcb_16", "select_only_1",
                    "select_only_4", "select_only_16", "select_only_64", "sustained_16", "insert_single_row",
                    "insert_multi_row");
            for (String step : pgbenchSteps) {
                double tps = metric(run, step, "tps");
                double p50 = metric(run, step, "latency_p50_ms");
                double p95 = metric(run, step, "latency_p95_ms");
                double p99 = metric(run, step, "latency_p99_ms");
                assertTrue(tps > 0, step + " tps " + tps);
                assertTrue(p50 > 0 && p50 <= p95 && p95 <= p99, step + " percentiles " + p50 + " " + p95 + " " + p99);
            }
            assertEquals(16, (int) run.getInt("steps.find { it.name == 'tpcb_16' }.clients"));

            // connection latency: a whole disconnect + connect + SELECT 1 cycle is slower than SELECT 1 on a kept one
            double connections = metric(run, "connect", "connections_per_second");
            assertTrue(connections > 0, "connections/s " + connections);
            for (String p : List.of("latency_p50_ms", "latency_p95_ms")) {
                assertTrue(metric(run, "connect", p) > metric(run, "select_1", p),
                        "connect " + p + " " + metric(run, "connect", p) + " vs SELECT 1 " + metric(run, "select_1", p));
            }
            assertTrue(connections < metric(run, "select_1", "tps"), "fewer connections/s than SELECT 1/s");

            // pool scaling: every count measured with its own client count, the knee is one of them
            Map<Integer, Double> scaling = new java.util.TreeMap<>();
            for (int clients : List.of(1, 4, 16, 64)) {
                assertEquals(clients, run.getInt("steps.find { it.name == 'select_only_" + clients + "' }.clients"));
                scaling.put(clients, metric(run, "select_only_" + clients, "tps"));
            }
            double knee = metric(run, "pool_scaling", "knee_clients");
            assertTrue(scaling.containsKey((int) knee) && knee == Math.rint(knee), "knee " + knee + " of " + scaling);
            assertEquals(BenchmarkSuite.knee(new java.util.TreeMap<>(scaling), 0.1), (int) knee, "knee of " + scaling);
            assertEquals(64, metric(run, "pool_scaling", "max_clients"));
            assertEquals(200, metric(run, "pool_scaling", "max_connections"), "the throwaway server's setting");
            assertTrue(metric(run, "pool_scaling", "client_limit") >= 64, run.prettify());
            assertNull(run.get("steps.find { it.name == 'pool_scaling' }.metrics.capped_from_clients"), "nothing capped");

            // sustained (2 s in tests) against the peak (tpcb_16 of the 1 s step)
            assertEquals(16, run.getInt("steps.find { it.name == 'sustained_16' }.clients"));
            assertTrue(run.getDouble("steps.find { it.name == 'sustained_16' }.duration_seconds") > 1.5,
                    "the sustained step ran for the sustained duration: " + run.prettify());
            double peak = metric(run, "sustained_vs_peak", "peak_tps");
            double sustained = metric(run, "sustained_vs_peak", "sustained_tps");
            assertEquals(metric(run, "tpcb_16", "tps"), peak);
            assertEquals(metric(run, "sustained_16", "tps"), sustained);
            // RestAssured's JsonPath reads JSON numbers as floats: compare within a float's precision
            assertEquals(sustained / peak, metric(run, "sustained_vs_peak", "sustained_to_peak_ratio"),
                    1e-6 * sustained / peak);

            double copyRate = metric(run, "copy", "rows_per_second");
            double insertRate = metric(run, "insert_single_row", "rows_per_second");
            double multiRate = metric(run, "insert_multi_row", "rows_per_second");
            assertEquals(100, metric(run, "insert_multi_row", "rows_per_statement"));
            assertEquals(metric(run, "insert_multi_row", "tps") * 100, multiRate, 1e-6 * multiRate);
            assertTrue(copyRate > insertRate, "COPY " + copyRate + " rows/s vs single-row INSERT " + insertRate);
            assertTrue(multiRate > insertRate, "multi-row INSERT " + multiRate + " rows/s vs single-row INSERT " + insertRate);
            assertFalse(databaseExists(run.getString("scratch_database")), "scratch database dropped");
            assertTrue(run.getString("scratch_database").startsWith(ScratchDatabase.PREFIX));

            TopicReader.Seen event = benchmarks.await(30, "for run " + first, s -> s.value().contains(first));
            assertEquals(List.of(), EventValidator.shared().validate(EventKind.BENCHMARK, event.value()), event.value());
            assertEquals(EventTypes.BENCHMARK_COMPLETED, event.type());
            assertEquals("bench-a", event.key());
            assertEquals("bench-a", event.subject());
            BenchmarkEvent parsed = EventJson.newMapper().readValue(event.value(), BenchmarkEvent.class);
            assertEquals("succeeded", parsed.status());
            assertEquals(run.getList("steps").size(), parsed.steps().size());
            assertEquals(14, parsed.steps().size());

            live.await(10, "progress of " + first, e -> BenchmarkMessage.EVENT.equals(e.name())
                    && e.data().contains(first) && e.data().contains("\"kind\":\"progress\"")
                    && e.data().contains("\"tps\""));
            live.await(10, "completion of " + first, e -> BenchmarkMessage.EVENT.equals(e.name())
                    && e.data().contains(first) && e.data().contains("\"kind\":\"completed\""));

            RestAssured.post("/api/targets/bench-a/benchmarks/" + first + "/baseline").then().statusCode(200)
                    .body("baseline", org.hamcrest.Matchers.equalTo(true));

            slowDownNewPgbenchDatabases(null);
            String second;
            JsonPath slowed;
            try {
                second = start("bench-a", "{\"step_duration\": \"1s\", \"baseline_run_id\": \"" + first + "\"}");
                slowed = awaitEnd("bench-a", second);
            } finally {
                removeSlowDown();
            }
            assertEquals("succeeded", slowed.getString("status"), slowed.prettify());
            assertEquals(first, slowed.getString("compared_with"));
            assertTrue(slowed.getBoolean("regression"), slowed.prettify());
            List<String> regressed = slowed.getList("regressions.step", String.class);
            assertTrue(regressed.contains("tpcb_1"), "tpcb_1 regressed: " + slowed.prettify());
            assertTrue(metric(slowed, "tpcb_1", "tps") < metric(run, "tpcb_1", "tps") * 0.8,
                    "slowed TPS is more than 20 % lower");
            assertEquals(1.0, metric(slowed, "tpcb_1", "remeasured"), "the regression was confirmed by a second "
                    + "measurement, which the step reports: " + slowed.prettify());

            TopicReader.Seen regressionEvent = benchmarks.await(30, "for run " + second, s -> s.value().contains(second));
            assertEquals(List.of(), EventValidator.shared().validate(EventKind.BENCHMARK, regressionEvent.value()));
            assertTrue(regressionEvent.value().contains("\"regression\":true"), regressionEvent.value());

            RestAssured.given().queryParam("target", "bench-a").queryParam("state", "open").get("/api/anomalies")
                    .then().statusCode(200).body("findAll { it.rule == 'benchmark_regression' }.size()",
                            org.hamcrest.Matchers.equalTo(1));
            TopicReader.Seen opened = anomalies.await(30, "benchmark_regression opened for bench-a",
                    s -> "bench-a".equals(s.key()) && EventTypes.ANOMALY_OPENED.equals(s.type())
                            && s.value().contains("\"detector\":\"" + BenchmarkAnomalies.RULE + "\""));
            assertEquals(List.of(), EventValidator.shared().validate(EventKind.ANOMALY, opened.value()));
            assertTrue(opened.value().contains(second), "the summary names the run: " + opened.value());

            // a later run naming no baseline is compared with the named baseline (not the previous, slowed run). Its
            // tpcb_1 is slowed only for its first 5 transactions (0.2 s each: the whole first 1-second measurement, a
            // passing hiccup): the step looks regressed, is measured again, is not regressed then, and the run shows no
            // regression and resolves the anomaly. The other steps may look regressed by the machine's noise too (1-second
            // steps on a shared 2-core machine: select_only_64 3,656 -> 309 TPS and tpcb_16 -> 71 TPS in CI runs while
            // other JVMs compiled) and are measured again the same way; a step noisy twice in a row is a regression of
            // that run: up to five runs (a full module run saw three in a row slowed 2-9x at every step while the machine was
            // busy for a minute), each compared with the named baseline, until one is clean
            String third = null;
            JsonPath clean = null;
            List<String> noisy = new java.util.ArrayList<>();
            slowDownNewPgbenchDatabases(5);
            try {
                for (int attempt = 0; attempt < 5; attempt++) {
                    third = start("bench-a", "{\"step_duration\": \"1s\"}");
                    clean = awaitEnd("bench-a", third);
                    assertEquals("succeeded", clean.getString("status"), clean.prettify());
                    assertEquals(first, clean.getString("compared_with"), "the named baseline, not the previous run " + second);
                    assertEquals(1.0, metric(clean, "tpcb_1", "remeasured"),
                            "the hiccup of tpcb_1 looked like a regression and was measured again: " + clean.prettify());
                    if (!clean.getBoolean("regression")) {
                        break;
                    }
                    noisy.add(third);
                    System.out.println("benchmark run " + third + " regressed twice by noise: " + clean.getList("regressions"));
                }
            } finally {
                removeSlowDown();
            }
            assertFalse(clean.getBoolean("regression"), "five runs regressed: " + clean.prettify());
            assertEquals(List.of(), clean.getList("regressions"));
            assertTrue(metric(clean, "tpcb_1", "tps") > metric(run, "tpcb_1", "tps") * 0.2,
                    "tpcb_1 reports its second measurement, not the hiccup: " + clean.prettify());
            TopicReader.Seen resolved = anomalies.await(30, "benchmark_regression resolved for bench-a",
                    s -> "bench-a".equals(s.key()) && EventTypes.ANOMALY_RESOLVED.equals(s.type())
                            && s.value().contains("\"detector\":\"" + BenchmarkAnomalies.RULE + "\""));
            assertEquals(List.of(), EventValidator.shared().validate(EventKind.ANOMALY, resolved.value()));
            RestAssured.given().queryParam("target", "bench-a").queryParam("state", "open").get("/api/anomalies")
                    .then().statusCode(200).body("findAll { it.rule == 'benchmark_regression' }.size()",
                            org.hamcrest.Matchers.equalTo(0));

            // the list: every run, newest first, the named baseline marked
            List<String> newestFirst = new java.util.ArrayList<>(List.of(third));
            java.util.Collections.reverse(noisy);
            newestFirst.addAll(noisy);
            newestFirst.addAll(List.of(second, first));
            List<Boolean> baselines = new java.util.ArrayList<>(java.util.Collections.nCopies(newestFirst.size() - 1, false));
            baselines.add(true);
            RestAssured.get("/api/targets/bench-a/benchmarks").then().statusCode(200)
                    .body("id", org.hamcrest.Matchers.equalTo(newestFirst))
                    .body("status", org.hamcrest.Matchers.everyItem(org.hamcrest.Matchers.equalTo("succeeded")))
                    .body("baseline", org.hamcrest.Matchers.equalTo(baselines))
                    .body("[" + (newestFirst.size() - 2) + "].regression", org.hamcrest.Matchers.equalTo(true))
                    .body("[0].compared_with", org.hamcrest.Matchers.equalTo(first));
        } finally {
            unregister("bench-a");
        }
    }

    /**
     * A trigger sleeping per pgbench_history row (one per TPC-B-like transaction) in every database created from
     * template1 from now on: 50 ms per row for every row (far past the test profile's 80 % TPS threshold, whatever the
     * machine's noise) when {@code rows} is null, else 200 ms for the database's first {@code rows} rows only.
     */
    private void slowDownNewPgbenchDatabases(Integer rows) {
        String sleep = rows == null ? "PERFORM pg_sleep(0.05);"
                : "IF nextval('autopilot_test_slow_budget') <= " + rows + " THEN PERFORM pg_sleep(0.2); END IF;";
        postgres.execute("template1",
                "CREATE SEQUENCE IF NOT EXISTS autopilot_test_slow_budget",
                "CREATE OR REPLACE FUNCTION autopilot_test_slow_row() RETURNS trigger LANGUAGE plpgsql AS "
                        + "$$ BEGIN " + sleep + " RETURN NEW; END $$",
                "CREATE OR REPLACE FUNCTION autopilot_test_slow_tables() RETURNS event_trigger LANGUAGE plpgsql AS $$ "
                        + "DECLARE r record; BEGIN FOR r IN SELECT * FROM pg_event_trigger_ddl_commands() "
                        + "WHERE command_tag = 'CREATE TABLE' AND object_identity = 'public.pgbench_history' LOOP "
                        + "EXECUTE 'CREATE TRIGGER autopilot_test_slow BEFORE INSERT ON public.pgbench_history "
                        + "FOR EACH ROW EXECUTE FUNCTION autopilot_test_slow_row()'; END LOOP; END $$",
                "DROP EVENT TRIGGER IF EXISTS autopilot_test_slow_tables",
                "CREATE EVENT TRIGGER autopilot_test_slow_tables ON ddl_command_end WHEN TAG IN ('CREATE TABLE') "
                        + "EXECUTE FUNCTION autopilot_test_slow_tables()");
    }

    private void removeSlowDown() {
        postgres.execute("template1", "DROP EVENT TRIGGER IF EXISTS autopilot_test_slow_tables",
                "DROP FUNCTION IF EXISTS autopilot_test_slow_tables()", "DROP FUNCTION IF EXISTS autopilot_test_slow_row()",
                "DROP SEQUENCE IF EXISTS autopilot_test_slow_budget");
    }

    @Test
    void aTargetWithoutTheLabelIsRefusedBeforeAnyConnection() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // nothing listens there once closed
        }
        String nowhere = "postgresql://127.0.0.1:" + closed + "/nowhere";
        register("bench-n", nowhere, Map.of("env", "test"));
        register("bench-x", nowhere, Map.of("benchmark", "allowed"));
        try {
            RestAssured.given().contentType(ContentType.JSON).body("{}").post("/api/targets/bench-n/benchmarks").then()
                    .statusCode(409).contentType("application/problem+json")
                    .body("detail", containsString("benchmark=allowed"))
                    .body("detail", containsString("nothing was connected to"));
            RestAssured.get("/api/targets/bench-n/benchmarks").then().statusCode(200)
                    .body("size()", org.hamcrest.Matchers.equalTo(0));

            // the same place with the label is tried: the run starts, cannot connect, and fails saying so
            String run = start("bench-x", "{\"step_duration\": \"1s\"}");
            JsonPath failed = awaitEnd("bench-x", run);
            assertEquals("failed", failed.getString("status"), failed.prettify());
            assertTrue(failed.getString("error").toLowerCase().contains("connect"), failed.getString("error"));
            assertFalse(failed.getString("error").contains(postgres.password()), "no secret in the error");

            RestAssured.given().contentType(ContentType.JSON).body("{}").post("/api/targets/no-such-target/benchmarks")
                    .then().statusCode(404).contentType("application/problem+json");
            RestAssured.given().contentType(ContentType.JSON).body("{\"step_duration\": \"soon\"}")
                    .post("/api/targets/bench-x/benchmarks").then().statusCode(400)
                    .body("detail", containsString("step_duration"));
        } finally {
            unregister("bench-n");
            unregister("bench-x");
        }
    }

    @Test
    void cancellingKillsPgbenchAndDropsTheScratchDatabase() throws Exception {
        register("bench-c", postgres.uri("demo_target"), Map.of("benchmark", "allowed"));
        try {
            String run = start("bench-c", "{\"step_duration\": \"60s\"}");
            JsonPath running = awaitRun("bench-c", run, Duration.ofMinutes(1),
                    j -> "connect".equals(j.getString("current_step")));
            String scratch = running.getString("scratch_database");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (pgbenchProcesses(scratch).isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertFalse(pgbenchProcesses(scratch).isEmpty(), "pgbench runs on " + scratch);
            assertTrue(databaseExists(scratch));

            RestAssured.given().contentType(ContentType.JSON).body("{}").post("/api/targets/bench-c/benchmarks").then()
                    .statusCode(409).contentType("application/problem+json")
                    .body("detail", containsString("already running"));

            RestAssured.delete("/api/targets/bench-c/benchmarks/" + run).then().statusCode(202);
            JsonPath ended = awaitRun("bench-c", run, Duration.ofSeconds(30), j -> !"running".equals(j.getString("status")));
            assertEquals("cancelled", ended.getString("status"), ended.prettify());
            assertEquals(List.of(), pgbenchProcesses(scratch), "no pgbench left");
            assertFalse(databaseExists(scratch), "scratch database dropped");
            RestAssured.delete("/api/targets/bench-c/benchmarks/" + run).then().statusCode(409);
            RestAssured.post("/api/targets/bench-c/benchmarks/" + run + "/baseline").then().statusCode(409)
                    .contentType("application/problem+json").body("detail", containsString("only a succeeded run"));
        } finally {
            unregister("bench-c");
        }
    }

    @Test
    void aRunPastItsTimeBudgetTimesOutKillsPgbenchAndDropsTheScratchDatabase() throws Exception {
        register("bench-t", postgres.uri("demo_target"), Map.of("benchmark", "allowed"));
        try {
            RestAssured.given().contentType(ContentType.JSON).body("{\"timeout\": \"1h\"}")
                    .post("/api/targets/bench-t/benchmarks").then().statusCode(400).contentType("application/problem+json")
                    .body("detail", containsString("autopilot.benchmark.timeout"));
            String run = start("bench-t", "{\"step_duration\": \"60s\", \"timeout\": \"10s\"}");
            String scratch = null;
            boolean pgbenchSeen = false;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            JsonPath last = null;
            while (System.nanoTime() < deadline) {
                last = RestAssured.get("/api/targets/bench-t/benchmarks/" + run).then().statusCode(200).extract().jsonPath();
                scratch = last.getString("scratch_database");
                pgbenchSeen |= !pgbenchProcesses(scratch).isEmpty();
                if (!"running".equals(last.getString("status"))) {
                    break;
                }
                Thread.sleep(100);
            }
            assertNotNull(last);
            assertEquals("timed_out", last.getString("status"), last.prettify());
            assertTrue(last.getString("error").contains("timed out after PT10S"), last.getString("error"));
            assertTrue(pgbenchSeen, "pgbench ran before the time budget ended the run");
            double took = Duration.between(java.time.Instant.parse(last.getString("started_at")),
                    java.time.Instant.parse(last.getString("finished_at"))).toMillis() / 1000.0;
            assertTrue(took >= 10 && took < 40, "ended at its 10 s budget (plus the drop), not after the 60 s step: " + took);
            assertEquals(List.of(), pgbenchProcesses(scratch), "no pgbench left");
            assertFalse(databaseExists(scratch), "scratch database dropped");
        } finally {
            unregister("bench-t");
        }
    }

    private static List<Long> pgbenchProcesses(String scratch) {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains("pgbench") && c.contains(scratch)).orElse(false))
                .map(ProcessHandle::pid).toList();
    }
}
