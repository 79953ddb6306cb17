package io.dbautopilot.performance.dashboard;

import io.dbautopilot.model.MetricPoint;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** What a live chart point is made of: sums, maxima, the cache hit ratio between two readings, nulls when unknown. */
class LiveSamplerTest {

    private final LiveSampler sampler = new LiveSampler();

    @Test
    void sumsDatabasesTakesTheLargestLagAndComputesCacheHitBetweenReadings() {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        LiveSample first = sampler.sample("orders", t0, points(1000, 100, 10, 20));
        assertEquals(30.0, first.tps(), "TPS of both databases");
        assertNull(first.cacheHitRatio(), "no ratio before a second reading");
        assertEquals(7.0, first.connectionsUsed());
        assertEquals(97.0, first.connectionsMax());
        assertEquals(150.0, first.deadTuples(), "every table summed");
        assertEquals(4096.0, first.replicationLagBytes(), "the largest standby");
        assertEquals(2.5, first.replicationLagSeconds());

        LiveSample second = sampler.sample("orders", t0.plusSeconds(15), points(1900, 200, 10, 20));
        assertEquals(0.9, second.cacheHitRatio(), 1e-9, "900 hits / (900 hits + 100 reads)");

        LiveSample unchanged = sampler.sample("orders", t0.plusSeconds(30), points(1900, 200, 10, 20));
        assertEquals(0.9, unchanged.cacheHitRatio(), 1e-9, "database family not due: the last ratio stays");

        LiveSample reset = sampler.sample("orders", t0.plusSeconds(45), points(50, 5, 10, 20));
        assertNull(reset.cacheHitRatio(), "no ratio across a statistics reset");
    }

    @Test
    void anUnreachableTargetHasNoNumbers() {
        LiveSample s = sampler.sample("down", Instant.now(), List.of(MetricPoint.of("pg_up", 0)));
        assertFalse(s.reachable());
        assertNull(s.tps());
        assertNull(s.connectionsUsed());
        assertNull(s.replicationLagBytes());
    }

    @Test
    void aPrimaryWithoutStandbysHasNoLagRatherThanZero() {
        LiveSample s = sampler.sample("solo", Instant.now(), List.of(MetricPoint.of("pg_up", 1),
                MetricPoint.of("pg_connections_used", 3)));
        assertNull(s.replicationLagBytes());
        assertNull(s.replicationLagSeconds());
        assertNull(s.deadTuples(), "tables family not run yet");
    }

    private static List<MetricPoint> points(double hit, double read, double tpsA, double tpsB) {
        return List.of(MetricPoint.of("pg_up", 1),
                new MetricPoint("pg_stat_database_tps", Map.of("datname", "a"), tpsA),
                new MetricPoint("pg_stat_database_tps", Map.of("datname", "b"), tpsB),
                new MetricPoint("pg_stat_database_blks_hit", Map.of("datname", "a"), hit / 2),
                new MetricPoint("pg_stat_database_blks_hit", Map.of("datname", "b"), hit / 2),
                new MetricPoint("pg_stat_database_blks_read", Map.of("datname", "a"), read),
                MetricPoint.of("pg_connections_used", 7),
                MetricPoint.of("pg_connections_max_usable", 97),
                new MetricPoint("pg_stat_user_tables_n_dead_tup", Map.of("relname", "x"), 100),
                new MetricPoint("pg_stat_user_tables_n_dead_tup", Map.of("relname", "y"), 50),
                new MetricPoint("pg_stat_replication_replay_lag_bytes", Map.of("application_name", "s1"), 1024),
                new MetricPoint("pg_stat_replication_replay_lag_bytes", Map.of("application_name", "s2"), 4096),
                new MetricPoint("pg_stat_replication_replay_lag_seconds", Map.of("application_name", "s1"), 2.5));
    }
}
