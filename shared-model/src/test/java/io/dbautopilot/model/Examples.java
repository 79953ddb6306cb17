package io.dbautopilot.model;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Realistic example events shared by the tests. */
final class Examples {

    static final Instant T0 = Instant.parse("2025-03-14T09:26:53.589Z");

    private Examples() {
    }

    static MetricSnapshot snapshot() {
        Map<String, String> errors = new LinkedHashMap<>();
        errors.put("pg_stat_statements", "relation \"pg_stat_statements\" does not exist");
        return new MetricSnapshot(
                "orders-db",
                T0,
                143,
                List.of(
                        new FamilyResult("pg_stat_database", FamilyStatus.RAN, 12, null),
                        new FamilyResult("pg_stat_user_tables", FamilyStatus.RAN, 31, null),
                        new FamilyResult("pg_stat_statements", FamilyStatus.FAILED, 4,
                                "relation \"pg_stat_statements\" does not exist"),
                        new FamilyResult("pg_stat_replication", FamilyStatus.SKIPPED, 0, "not a primary with standbys"),
                        new FamilyResult("host", FamilyStatus.UNAVAILABLE, 0, "target is remote")),
                errors,
                List.of(
                        new MetricPoint("pg_stat_database_xact_commit", Map.of("datname", "orders"), 1_284_311),
                        new MetricPoint("pg_stat_database_xact_commit", Map.of("datname", "postgres"), 912),
                        new MetricPoint("pg_stat_database_blks_hit", Map.of("datname", "orders"), 9.87e8),
                        new MetricPoint("pg_stat_user_tables_n_dead_tup",
                                Map.of("datname", "orders", "schemaname", "public", "relname", "orders"), 421_337),
                        MetricPoint.of("pg_up", 1)));
    }

    static AnomalyEvent anomaly() {
        Map<String, Double> evidence = new LinkedHashMap<>();
        evidence.put("dead_tuple_ratio", 0.42);
        evidence.put("n_dead_tup", 421_337.0);
        evidence.put("threshold", 0.2);
        return new AnomalyEvent(
                "table_bloat:orders-db:public.orders",
                "orders-db",
                "table_bloat",
                "public.orders",
                Severity.WARNING,
                AnomalyState.ESCALATED,
                17,
                T0.plusSeconds(600),
                T0,
                evidence,
                "vacuum",
                "public.orders has 42% dead tuples (threshold 20%)");
    }

    static RecommendationEvent recommendation() {
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("seq_scan", 18_234);
        evidence.put("seq_tup_read", 12_114_000_000L);
        evidence.put("avg_rows_returned", 1.3);
        evidence.put("columns", List.of("customer_id"));
        evidence.put("sample_query", "select * from orders where customer_id = $1");
        return new RecommendationEvent(
                "missing_index:orders-db:orders:public.orders(customer_id)",
                "orders-db",
                "orders",
                "public.orders",
                "missing_index",
                RecommendationState.RAISED,
                T0,
                evidence,
                "CREATE INDEX CONCURRENTLY orders_customer_id_idx ON public.orders (customer_id)",
                "~95% fewer rows read by the top query",
                Risk.MEDIUM,
                true,
                "Sequential scans on public.orders filter on customer_id");
    }

    static OperationEvent operation() {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("object", "public.orders");
        details.put("statement", "VACUUM (ANALYZE) public.orders");
        details.put("dead_tuples_before", 421_337);
        details.put("window", "nightly");
        return new OperationEvent(
                UUID.fromString("6f1c2d0e-8b4a-4c3e-9f7a-2b1d5e6c7a80"),
                "0b9d5c0a-2f3e-4e47-8a55-7c1f0c9b1a22",
                "orders-db",
                "vacuum",
                OperationState.PROGRESS,
                0.35,
                "anomaly table_bloat escalated to warning",
                T0,
                T0.plusSeconds(5),
                null,
                T0.plusSeconds(65),
                details);
    }

    static HealthSummary health() {
        return new HealthSummary(
                HealthSummary.UP,
                "performance-service",
                "0.1.0-SNAPSHOT",
                3_725,
                List.of(
                        new HealthSummary.Check("kafka", HealthSummary.UP, Map.of("bootstrap_servers", "localhost:9092")),
                        new HealthSummary.Check("state-db", HealthSummary.UP, Map.of()),
                        new HealthSummary.Check("target:orders-db", HealthSummary.UP,
                                Map.of("last_collection_ms", 143, "server_version", "17.2"))));
    }

    static BenchmarkEvent benchmark() {
        Map<String, Double> tps = new LinkedHashMap<>();
        tps.put("tps", 812.4);
        tps.put("latency_p50_ms", 17.9);
        tps.put("latency_p95_ms", 31.2);
        tps.put("latency_p99_ms", 48.0);
        return new BenchmarkEvent(
                UUID.fromString("3d0f7c52-0a4b-4c61-9a8e-5b3f2e1d0c9a"),
                "orders-db",
                "succeeded",
                "standard-v1",
                T0,
                T0.plusSeconds(71),
                UUID.fromString("9b2e4f10-7c3d-4a5e-8f61-0d2c3b4a5e6f"),
                true,
                List.of(new BenchmarkEvent.Step("tpcb_16", "write_tps", 16, 10.0, tps),
                        new BenchmarkEvent.Step("copy", "copy", 1, 10.0, Map.of("rows_per_second", 412_000.0))),
                List.of(new BenchmarkEvent.Regression("tpcb_16", "tps", 1104.0, 812.4, -0.2641, 0.2)),
                null);
    }

    static CanaryEvent canary() {
        return new CanaryEvent(UUID.fromString("5e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b"), "orders-db", "succeeded", "auto",
                null, "autopilot_canary.canary_5e1f2a3b", T0, T0.plusSeconds(151), 600, T0.plusSeconds(1500),
                List.of(new CanaryEvent.Stage("planted", T0, 0), new CanaryEvent.Stage("detected", T0.plusSeconds(124), 124),
                        new CanaryEvent.Stage("decided", T0.plusSeconds(125), 125.2),
                        new CanaryEvent.Stage("executed", T0.plusSeconds(127), 127.9),
                        new CanaryEvent.Stage("verified", T0.plusSeconds(151), 151.0)),
                null, UUID.fromString("9b2e4f10-7c3d-4a5e-8f61-0d2c3b4a5e6f"),
                Map.of("n_dead_tup_before", 15000.0, "n_dead_tup_after", 0.0));
    }

    static TargetDefinition target() {
        return new TargetDefinition("orders-db", Engine.POSTGRESQL, "postgresql://db1:5432/orders", "autopilot",
                "env:ORDERS_DB_PASSWORD", Map.of("env", "prod", "team", "payments"),
                new TargetDefinition.Collection("15s", "5s", 3, "10s", List.of(), List.of("scratch_*"), List.of("bloat"),
                        Map.of("tables", "2m"), 0.9, null, null),
                new TargetDefinition.Automation(List.of("0 1 * * * 3h"), "Europe/Berlin", "2s", "30m",
                        Map.of("index-bloat", "approval"), "5m", null, null, null, "5s"),
                Trust.APPROVE, "api", Instant.parse("2026-12-03T12:00:00Z"), "operator");
    }
}
