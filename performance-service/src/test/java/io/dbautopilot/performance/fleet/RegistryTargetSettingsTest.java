package io.dbautopilot.performance.fleet;

import io.dbautopilot.model.Engine;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.performance.collect.TargetsConfig;
import io.dbautopilot.support.url.DatabaseUrl;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A registry definition as collector settings, and a property target as a definition, agree with each other. */
class RegistryTargetSettingsTest {

    private static TargetDefinition definition(Engine engine, String url, TargetDefinition.Collection collection) {
        return new TargetDefinition("orders-db", engine, url, "monitor", "env:ORDERS_DB_PASSWORD", Map.of("env", "prod"),
                collection, null, null, null, null, null);
    }

    @Test
    void settingsLeftOutTakeTheDefaultsOfTheProperties() {
        RegistryTargetSettings s = RegistryTargetSettings.of(definition(Engine.POSTGRESQL, "postgresql://db1:5432/orders",
                null), Optional.of("pw"));
        assertEquals(Duration.ofSeconds(15), s.interval());
        assertEquals(Duration.ofSeconds(5), s.queryTimeout());
        assertEquals(Duration.ofSeconds(10), s.cycleBudget());
        assertEquals(3, s.maxConnections());
        assertEquals(Optional.of("monitor"), s.username());
        assertTrue(s.includeDatabases().isEmpty());
        assertTrue(s.familyIntervals().isEmpty());
        assertFalse(s.toString().contains("pw"), s.toString());
    }

    @Test
    void givenSettingsAreParsed() {
        var c = new TargetDefinition.Collection("1s", "PT2S", 4, "500ms", List.of("orders"), List.of("scratch_*"),
                List.of("bloat"), Map.of("tables", "2m"), 0.5, false, "/data");
        RegistryTargetSettings s = RegistryTargetSettings.of(definition(Engine.POSTGRESQL, "postgresql://db1/orders", c),
                Optional.empty());
        assertEquals(Duration.ofSeconds(1), s.interval());
        assertEquals(Duration.ofSeconds(2), s.queryTimeout());
        assertEquals(Duration.ofMillis(500), s.cycleBudget());
        assertEquals(4, s.maxConnections());
        assertEquals(Map.of("tables", Duration.ofMinutes(2)), s.familyIntervals());
        assertEquals(Optional.of(List.of("bloat")), s.disabledFamilies());
        assertEquals(Optional.of(0.5), s.busyConnectionRatio());
        assertEquals(Optional.of("/data"), s.dataDirectory());
    }

    @Test
    void aUrlOfAnotherEngineOrABadDurationIsNotCollectedAndSaysWhy() {
        var e = assertThrows(IllegalArgumentException.class, () -> RegistryTargetSettings.of(
                definition(Engine.MARIADB, "postgresql://db1:5432/shop", null), Optional.empty()));
        assertEquals("url: a postgresql URL cannot reach a mariadb target", e.getMessage());
        // MySQL and MariaDB speak one protocol: either URL reaches either engine
        assertEquals("mysql", RegistryTargetSettings.of(definition(Engine.MARIADB, "mysql://db1:3306/shop", null),
                Optional.empty()).url().engine());
        var c = new TargetDefinition.Collection("soon", null, null, null, null, null, null, null, null, null, null);
        var d = assertThrows(IllegalArgumentException.class, () -> RegistryTargetSettings.of(
                definition(Engine.POSTGRESQL, "postgresql://db1/orders", c), Optional.empty()));
        assertTrue(d.getMessage().startsWith("collection.interval"), d.getMessage());
    }

    @Test
    void aPropertyTargetBecomesADefinitionWithoutItsPasswordAndWithoutDefaults() {
        TargetsConfig.Target property = new RegistryTargetSettings(definition(Engine.POSTGRESQL,
                "postgresql://db1:5432/orders?sslmode=require", new TargetDefinition.Collection("15s", "1500ms", null,
                        null, null, List.of("scratch_*"), null, Map.of("tables", "2m"), null, null, null)),
                DatabaseUrl.parse("postgresql://db1:5432/orders?sslmode=require"), Optional.of("s3cret"));
        TargetDefinition d = PropertyTargets.definition("orders-db", property);
        assertEquals("postgresql://db1:5432/orders?sslmode=require", d.url());
        assertNull(d.credentialsRef());
        assertNull(d.collection().interval(), "the default interval is left out");
        assertEquals("1500ms", d.collection().queryTimeout());
        assertEquals(Map.of("tables", "2m"), d.collection().familyIntervals());
        assertEquals(List.of("scratch_*"), d.collection().excludeDatabases());
        assertFalse(d.toString().contains("s3cret"));
        // read back, it gives the same settings
        RegistryTargetSettings back = RegistryTargetSettings.of(d, Optional.empty());
        assertEquals(property.queryTimeout(), back.queryTimeout());
        assertEquals(property.familyIntervals(), back.familyIntervals());
        assertTrue(d.sameAs(PropertyTargets.definition("orders-db", back)), "import is stable: nothing to rewrite");
    }
}
