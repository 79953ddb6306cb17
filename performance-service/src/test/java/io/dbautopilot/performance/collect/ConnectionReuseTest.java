package io.dbautopilot.performance.collect;

import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.MetricSnapshot;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static io.dbautopilot.performance.collect.Snapshots.await;
import static io.dbautopilot.performance.collect.Snapshots.value;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Per-database connections are kept between cycles and reused, never more than the target's cap. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ConnectionReuseTest {

    @InjectInfra
    PostgresServer postgres;

    @Inject
    TargetRegistry targets;

    @Test
    void theSameBackendsServeTheOtherDatabasesCycleAfterCycleWithinTheCap() throws Exception {
        TargetRuntime demo = targets.get("demo").orElseThrow();
        MetricSnapshot first = await("demo", Instant.now(), s -> value(s, "pg_databases_visited").orElse(0) > 0);
        List<String> others = demo.databases().stream().filter(d -> !d.equals("demo_target")).toList();
        int cap = demo.config().maxConnections() - 1;
        assumeTrue(!others.isEmpty() && others.size() <= cap, "needs 1.." + cap + " other databases, has " + others);

        // advisors may take a permit (closing a kept connection) between cycles, so reuse is awaited, not assumed
        MetricSnapshot reusing = await("demo", first.collectedAt(),
                s -> value(s, "pg_collector_database_connections_reused").orElse(0) >= 1);
        assertTrue(value(reusing, "pg_collector_database_connections_opened").orElseThrow()
                < value(reusing, "pg_databases_visited").orElseThrow(), "fewer connects than databases visited");
        List<String> checked = others.stream().filter(d -> !d.equals("postgres")).toList(); // other targets' pools
        for (int i = 0; i < 3; i++) {
            MetricSnapshot s = await("demo", reusing.collectedAt(), x -> true);
            Set<Integer> backends = collectorBackends(checked);
            assertTrue(backends.size() <= cap, "at most max-connections - 1 beside the pooled one: " + backends);
            assertTrue(demo.idleConnections() <= cap, "idle connections hold permits of the cap");
            reusing = s;
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
