package io.dbautopilot.support.fleet;

import io.dbautopilot.model.Engine;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.model.Trust;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The YAML targets file: the registry's snake_case fields under a top-level targets list; errors name entry and field. */
class TargetsFileTest {

    private final TargetValidator validator = new TargetValidator(new Credentials(Map.of("ORDERS_PW", "x")::get));

    @TempDir
    Path dir;

    private Path file(String yaml) throws Exception {
        return Files.writeString(dir.resolve("targets.yaml"), yaml);
    }

    @Test
    void parsesEveryField() throws Exception {
        Path f = file("""
                targets:
                  - id: orders
                    engine: postgresql
                    url: postgresql://orders-db:5432/orders
                    username: monitor
                    credentials_ref: env:ORDERS_PW
                    labels: {env: prod, team: payments}
                    trust: approve
                    collection:
                      interval: 15s
                      max_connections: 4
                      family_intervals: {tables: 2m}
                    automation:
                      maintenance_windows: ["0 2 * * SUN 3h"]
                      time_zone: Europe/Berlin
                      policy: {vacuum: window}
                  - id: cache
                    engine: redis
                    url: redis://cache:6379/0
                """);
        List<TargetDefinition> targets = TargetsFileImporter.parse(f, validator);
        assertEquals(2, targets.size());
        TargetDefinition orders = targets.get(0);
        assertEquals("orders", orders.id());
        assertEquals(Engine.POSTGRESQL, orders.engine());
        assertEquals("env:ORDERS_PW", orders.credentialsRef());
        assertEquals(Map.of("env", "prod", "team", "payments"), orders.labels());
        assertEquals(Trust.APPROVE, orders.trust());
        assertEquals("15s", orders.collection().interval());
        assertEquals(4, orders.collection().maxConnections());
        assertEquals(Map.of("tables", "2m"), orders.collection().familyIntervals());
        assertEquals(List.of("0 2 * * SUN 3h"), orders.automation().maintenanceWindows());
        assertEquals(Map.of("vacuum", "window"), orders.automation().policy());
        assertEquals(Engine.REDIS, targets.get(1).engine());
    }

    @Test
    void aBadEntryNamesFileIndexIdAndField() throws Exception {
        Path f = file("""
                targets:
                  - id: good
                    engine: postgresql
                    url: postgresql://db:5432/good
                  - id: orders
                    engine: mysql
                    url: postgresql://db:5432/orders
                    credentials_ref: env:UNSET_PW
                """);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TargetsFileImporter.parse(f, validator));
        String m = e.getMessage();
        assertTrue(m.contains(f.toString()), m);
        assertTrue(m.contains("targets[1] (id orders) url:"), m);
        assertTrue(m.contains("targets[1] (id orders) credentials_ref:"), m);
        assertTrue(!m.contains("targets[0]"), m);
    }

    @Test
    void unknownFieldsAndEnginesAreNamed() throws Exception {
        Path f = file("""
                targets:
                  - id: a
                    engine: oracle
                    url: postgresql://db:5432/a
                  - id: b
                    engine: postgresql
                    url: postgresql://db:5432/b
                    colection: {interval: 15s}
                """);
        String m = assertThrows(IllegalArgumentException.class, () -> TargetsFileImporter.parse(f, validator))
                .getMessage();
        assertTrue(m.contains("targets[0] (id a): engine"), m);
        assertTrue(m.contains("targets[1] (id b): colection"), m);
    }

    @Test
    void duplicateIdsAndAMissingListAreRefused() throws Exception {
        Path dup = file("""
                targets:
                  - {id: a, engine: redis, url: "redis://c:6379"}
                  - {id: a, engine: redis, url: "redis://d:6379"}
                """);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TargetsFileImporter.parse(dup, validator))
                .getMessage().contains("more than once"));
        Path none = file("servers: []\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TargetsFileImporter.parse(none, validator))
                .getMessage().contains("'targets:'"));
        Path missing = dir.resolve("absent.yaml");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> TargetsFileImporter.parse(missing, validator))
                .getMessage().contains(missing.toString()));
    }
}
