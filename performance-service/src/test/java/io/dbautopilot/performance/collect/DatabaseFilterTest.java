package io.dbautopilot.performance.collect;

import io.dbautopilot.model.MetricPoint;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatabaseFilterTest {

    @Test
    void withoutPatternsEveryDatabaseIsVisited() {
        assertTrue(new DatabaseFilter(List.of(), List.of()).accepts("orders"));
    }

    @Test
    void includesThenExcludesWithGlobs() {
        DatabaseFilter f = new DatabaseFilter(List.of("shop_*", "billing"), List.of("shop_tmp?"));
        assertTrue(f.accepts("shop_eu"));
        assertTrue(f.accepts("billing"));
        assertFalse(f.accepts("billing2"));
        assertFalse(f.accepts("shop_tmp1"));
        assertFalse(f.accepts("analytics"));
    }

    @Test
    void regexCharactersInNamesAreLiteral() {
        assertFalse(new DatabaseFilter(List.of("a.b"), List.of()).accepts("axb"));
        assertTrue(new DatabaseFilter(List.of("a.b"), List.of()).accepts("a.b"));
    }

    @Test
    void ownRowsAreThoseOfIncludedDatabasesAndThoseOfNone() {
        MetricPoint shop = new MetricPoint("pg_stat_database_xact_commit", Map.of("datname", "shop_eu"), 1);
        MetricPoint tmp = new MetricPoint("pg_stat_database_xact_commit", Map.of("datname", "shop_tmp1"), 2);
        MetricPoint other = new MetricPoint("pg_stat_database_xact_commit", Map.of("datname", "analytics"), 3);
        MetricPoint none = new MetricPoint("pg_stat_activity_count", Map.of("datname", "", "state", "active"), 4);
        MetricPoint server = new MetricPoint("pg_connections_used", Map.of(), 5);
        List<MetricPoint> all = List.of(shop, tmp, other, none, server);
        assertEquals(List.of(shop, tmp, none, server),
                new DatabaseFilter(List.of("shop_*"), List.of("shop_tmp?")).ownRows(all),
                "include patterns own databases; exclude patterns only spare visits");
        assertEquals(all, new DatabaseFilter(List.of(), List.of("*")).ownRows(all), "no include pattern: all rows");
    }
}
