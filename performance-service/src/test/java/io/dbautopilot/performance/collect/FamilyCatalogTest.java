package io.dbautopilot.performance.collect;

import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every family is registered once and intervals resolve target → global → default. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class FamilyCatalogTest {

    @Inject
    FamilyCatalog catalog;

    @Inject
    TargetsConfig config;

    @Test
    void everyFamilyTheIssueNamesIsThere() {
        assertTrue(catalog.names().containsAll(java.util.List.of("activity", "archiver", "bgwriter", "bloat",
                "database", "database_sizes", "host", "indexes", "locks", "replication", "replication_slots", "schema_security",
                "security", "sequences", "settings", "statements", "table_sizes", "tables", "wal", "wraparound",
                "wraparound_tables")), catalog.names().toString());
    }

    @Test
    void intervalsResolveTargetThenGlobalThenDefault() {
        TargetsConfig.Target demo = config.targets().get("demo");
        assertEquals(Duration.ofSeconds(1), catalog.interval(demo, "bloat", Duration.ofMinutes(10)), "global test override");
        assertEquals(Duration.ofMinutes(7), catalog.interval(demo, "not_overridden", Duration.ofMinutes(7)));
        assertTrue(catalog.disabled(demo, "broken_probe"));
    }
}
