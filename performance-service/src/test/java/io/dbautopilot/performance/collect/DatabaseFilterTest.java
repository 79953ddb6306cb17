package io.dbautopilot.performance.collect;

import org.junit.jupiter.api.Test;

import java.util.List;

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
}
