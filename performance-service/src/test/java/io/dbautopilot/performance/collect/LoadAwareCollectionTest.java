package io.dbautopilot.performance.collect;

import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.FamilyResult;
import io.dbautopilot.model.FamilyStatus;
import io.dbautopilot.model.MetricSnapshot;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.dbautopilot.performance.collect.Snapshots.await;
import static io.dbautopilot.performance.collect.Snapshots.family;
import static io.dbautopilot.performance.collect.Snapshots.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Heavy families are shed when a target is busy or a cycle overruns its budget, and a failing family is isolated. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class LoadAwareCollectionTest {

    @InjectInfra
    PostgresServer postgres;

    @Test
    void heavyFamiliesAreSkippedWhileConnectionsAreNearlyExhaustedAndComeBackAfter() throws Exception {
        MetricSnapshot calm = await("crowded", Instant.now(), s -> family(s, "tables").isPresent());
        assertEquals(FamilyStatus.RAN, family(calm, "tables").orElseThrow().status(), calm.families().toString());

        List<Connection> crowd = new ArrayList<>();
        try {
            int usable = (int) query("SELECT current_setting('max_connections')::int "
                    + "- current_setting('superuser_reserved_connections')::int");
            // the collector's own sessions do not count (ConnectionReuseTest): only other clients make a target busy
            int needed = (int) Math.ceil(usable * 0.25) + 2 - (int) query("SELECT count(*) FROM pg_stat_activity "
                    + "WHERE backend_type = 'client backend' AND application_name <> '"
                    + TargetConnections.APPLICATION_NAME + "'");
            for (int i = 0; i < needed; i++) {
                crowd.add(postgres.connect("postgres"));
            }
            MetricSnapshot busy = await("crowded", Instant.now(), s -> family(s, "tables")
                    .map(f -> f.status() == FamilyStatus.SKIPPED).orElse(false));
            FamilyResult tables = family(busy, "tables").orElseThrow();
            assertTrue(tables.detail().startsWith("target busy:") && tables.detail().contains("threshold 25%"),
                    tables.detail());
            assertEquals(FamilyStatus.SKIPPED, family(busy, "statements").orElseThrow().status());
            assertEquals(FamilyStatus.SKIPPED, family(busy, "bloat").orElseThrow().status());
            assertEquals(FamilyStatus.RAN, family(busy, "activity").orElseThrow().status(), "light families still run");
            assertEquals(1, value(busy, "pg_target_busy").orElseThrow());
        } finally {
            for (Connection c : crowd) {
                c.close();
            }
        }
        MetricSnapshot after = await("crowded", Instant.now(), s -> family(s, "tables")
                .map(f -> f.status() == FamilyStatus.RAN).orElse(false));
        assertEquals(0, value(after, "pg_target_busy").orElseThrow());
    }

    @Test
    void aCycleOverItsBudgetShedsHeavyFamiliesNextTimeAndSaysWhy() {
        MetricSnapshot s = await("hurried", Instant.now(), x -> family(x, "tables").isPresent()
                && family(x, "tables").get().status() == FamilyStatus.SKIPPED);
        String detail = family(s, "tables").orElseThrow().detail();
        assertTrue(detail.contains("over its 1 ms budget") || detail.contains("cycle budget of 1 ms spent"), detail);
        assertEquals(1.0, value(s, "pg_up").orElseThrow());
        FamilyResult inDatabase = s.families().stream()
                .filter(f -> f.family().equals("tables") && "demo_target".equals(f.database())).findFirst()
                .orElseThrow(() -> new AssertionError("no per-database result: " + s.families()));
        assertEquals(FamilyStatus.SKIPPED, inDatabase.status(), "reported as skipped for that database");
        assertTrue(inDatabase.detail().contains("budget"), inDatabase.detail());
    }

    @Test
    void aFamilyThatFailsDoesNotLoseTheOthers() {
        MetricSnapshot s = await("broken", Instant.now(), x -> family(x, "broken_probe").isPresent()
                && family(x, "database").isPresent());
        FamilyResult broken = family(s, "broken_probe").orElseThrow();
        assertEquals(FamilyStatus.FAILED, broken.status());
        assertTrue(s.errors().get("broken_probe").contains("division by zero"), s.errors().toString());
        assertEquals(FamilyStatus.RAN, family(s, "database").orElseThrow().status());
        assertEquals(FamilyStatus.RAN, family(s, "activity").orElseThrow().status());
        assertTrue(value(s, "pg_stat_database_xact_commit", "datname", "demo_target").isPresent());
    }

    private double query(String sql) throws Exception {
        try (Connection c = postgres.connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getDouble(1);
        }
    }
}
