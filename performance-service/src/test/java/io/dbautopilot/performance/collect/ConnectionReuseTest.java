package io.dbautopilot.performance.collect;

import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.FamilyStatus;
import io.dbautopilot.model.MetricSnapshot;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import io.restassured.RestAssured;
import io.restassured.http.ContentType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.dbautopilot.performance.collect.Snapshots.await;
import static io.dbautopilot.performance.collect.Snapshots.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-database connections are kept between cycles and reused, never more than the target's cap, and given back when
 * the server nears its connection limit.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ConnectionReuseTest {

    @InjectInfra
    PostgresServer postgres;

    @Inject
    TargetRegistry targets;

    /**
     * A target of its own (registered through the API, like users do) with room beside the advisors: cap 4 = the pooled
     * connection + 3, two other databases, so an advisor taking a permit never forces the kept connections out (the
     * shared {@code demo} target has exactly as many other databases as permits, where advisors legitimately evict).
     */
    @Test
    void theSameBackendsServeTheOtherDatabasesCycleAfterCycleWithinTheCap() throws Exception {
        postgres.execute("postgres", "DROP DATABASE IF EXISTS reuse_a", "DROP DATABASE IF EXISTS reuse_b",
                "CREATE DATABASE reuse_a", "CREATE DATABASE reuse_b");
        Path password = Files.createTempFile("reuse-password", ".txt");
        Files.writeString(password, postgres.password());
        password.toFile().deleteOnExit();
        String body = """
                {"id": "reuse", "engine": "postgresql", "url": "%s", "username": "%s", "credentials_ref": "file:%s",
                 "collection": {"interval": "1s", "max_connections": 4,
                                "include_databases": ["demo_target", "reuse_a", "reuse_b"]}}
                """.formatted(postgres.uri("demo_target"), postgres.user(), password);
        RestAssured.given().contentType(ContentType.JSON).body(body).post("/api/targets").then().statusCode(201);
        try {
            MetricSnapshot first = await("reuse", Instant.now(), s -> value(s, "pg_databases_visited").orElse(0) >= 3);
            TargetRuntime reuse = targets.get("reuse").orElseThrow();
            int cap = reuse.config().maxConnections() - 1;
            List<String> others = List.of("reuse_a", "reuse_b");

            MetricSnapshot reusing = await("reuse", first.collectedAt(),
                    s -> value(s, "pg_collector_database_connections_reused").orElse(0) >= 1);
            assertTrue(value(reusing, "pg_collector_database_connections_opened").orElseThrow()
                    < value(reusing, "pg_databases_visited").orElseThrow(), "fewer connects than databases visited");
            for (int i = 0; i < 3; i++) {
                MetricSnapshot s = await("reuse", reusing.collectedAt(), x -> true);
                Set<Integer> backends = collectorBackends(others);
                assertTrue(backends.size() <= cap, "at most max-connections - 1 beside the pooled one: " + backends);
                assertTrue(reuse.idleConnections() <= cap, "idle connections hold permits of the cap");
                reusing = s;
            }
        } finally {
            RestAssured.delete("/api/targets/reuse").then().statusCode(204);
        }
    }

    /**
     * Kept connections near the server's limit: the collector's own sessions do not make the target busy (its heavy
     * families keep running), but they are given back every cycle, so they never keep a client from connecting.
     * The threshold is set between what other sessions use and what all sessions use.
     */
    @Test
    void nearTheLimitKeptConnectionsAreGivenBackAndDoNotShedTheCollectorsOwnWork() throws Exception {
        List<String> databases = java.util.stream.IntStream.rangeClosed(1, 10).mapToObj(i -> "near_" + i).toList();
        for (String db : databases) {
            postgres.execute("postgres", "DROP DATABASE IF EXISTS " + db, "CREATE DATABASE " + db);
        }
        Path password = Files.createTempFile("near-password", ".txt");
        Files.writeString(password, postgres.password());
        password.toFile().deleteOnExit();
        int usable = (int) count("SELECT current_setting('max_connections')::int "
                + "- current_setting('superuser_reserved_connections')::int");
        long others = count("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                + "AND application_name <> '" + TargetConnections.APPLICATION_NAME + "'");
        // busy only if other sessions grow by 8 or more (other tests' pools); all sessions reach it once the collector
        // holds 9 of its own (this target alone keeps up to 11: the pooled one and one per database)
        double ratio = (others + 9.0) / usable;
        String body = """
                {"id": "near", "engine": "postgresql", "url": "%s", "username": "%s", "credentials_ref": "file:%s",
                 "collection": {"interval": "1s", "max_connections": 12, "busy_connection_ratio": %s,
                                "include_databases": ["near_*"]}}
                """.formatted(postgres.uri("postgres"), postgres.user(), password, ratio);
        RestAssured.given().contentType(ContentType.JSON).body(body).post("/api/targets").then().statusCode(201);
        try {
            MetricSnapshot s = await("near", Instant.now(), x -> value(x, "pg_databases_visited").orElse(0) >= 10
                    && value(x, "pg_collector_database_connections_opened").orElse(0) >= 1);
            for (int i = 0; i < 3; i++) {
                MetricSnapshot next = await("near", s.collectedAt(), x -> Snapshots.family(x, "tables").isPresent());
                assertEquals(0.0, value(next, "pg_target_busy").orElseThrow(), "own sessions: not busy");
                assertEquals(FamilyStatus.RAN, Snapshots.family(next, "tables").orElseThrow().status(),
                        next.families().toString());
                assertEquals(0.0, value(next, "pg_collector_database_connections_reused").orElseThrow(),
                        "kept connections were given back at the start of the cycle");
                assertTrue(value(next, "pg_collector_database_connections_opened").orElseThrow() >= 1,
                        "the visits connected again");
                s = next;
            }
        } finally {
            RestAssured.delete("/api/targets/near").then().statusCode(204);
            for (String db : databases) {
                postgres.execute("postgres", "DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
            }
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = postgres.connect("postgres"); PreparedStatement st = c.prepareStatement(sql);
             ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Pids of the collector's backends on the given databases. */
    private Set<Integer> collectorBackends(List<String> databases) throws Exception {
        Set<Integer> pids = new HashSet<>();
        try (Connection c = postgres.connect("postgres"); PreparedStatement st = c.prepareStatement(
                "SELECT pid FROM pg_stat_activity WHERE application_name = ? AND datname = ANY (?)")) {
            st.setString(1, TargetConnections.APPLICATION_NAME);
            st.setArray(2, c.createArrayOf("text", databases.toArray()));
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    pids.add(rs.getInt(1));
                }
            }
        }
        return pids;
    }
}
