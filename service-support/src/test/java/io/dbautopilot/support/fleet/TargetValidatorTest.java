package io.dbautopilot.support.fleet;

import io.dbautopilot.model.Engine;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.model.TargetDefinition.Automation;
import io.dbautopilot.model.TargetDefinition.Collection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each field of a target definition is checked and reported under its JSON path. */
class TargetValidatorTest {

    private final TargetValidator validator = new TargetValidator(new Credentials(Map.of("PW", "x")::get));

    private static TargetDefinition target(String id, Engine engine, String url) {
        return new TargetDefinition(id, engine, url, "monitor", "env:PW", Map.of("env", "prod"), null, null, null,
                null, null, null);
    }

    private static TargetDefinition withCollection(Collection c) {
        return new TargetDefinition("orders", Engine.POSTGRESQL, "postgresql://db:5432/orders", null, null, null, c,
                null, null, null, null, null);
    }

    private static TargetDefinition withAutomation(Automation a) {
        return new TargetDefinition("orders", Engine.POSTGRESQL, "postgresql://db:5432/orders", null, null, null, null,
                a, null, null, null, null);
    }

    private static Collection collection(String interval, Integer maxConnections, Map<String, String> families,
                                         Double ratio) {
        return new Collection(interval, null, maxConnections, null, null, null, null, families, ratio, null, null);
    }

    private static Automation automation(List<String> windows, String zone, Map<String, String> policy) {
        return new Automation(windows, zone, null, null, policy, null, null, null, null, null);
    }

    private List<String> fields(TargetDefinition d) {
        return validator.validate(d).stream().map(FieldError::field).toList();
    }

    private String message(TargetDefinition d, String field) {
        return validator.validate(d).stream().filter(e -> e.field().equals(field)).findFirst().orElseThrow(
                () -> new AssertionError("no error on " + field + ": " + validator.validate(d))).message();
    }

    @Test
    void aCompleteDefinitionIsValid() {
        TargetDefinition d = new TargetDefinition("orders-eu.1", Engine.POSTGRESQL, "postgresql://db:5432/orders",
                "monitor", "env:PW", Map.of("team", "payments"),
                new Collection("15s", "5s", 4, "10s", List.of("app*"), List.of("tmp"), List.of("bloat"),
                        Map.of("tables", "2m"), 0.8, true, "/var/lib/postgresql/data"),
                new Automation(List.of("0 2 * * SUN 3h"), "Europe/Berlin", "2s", "PT10M", Map.of("vacuum", "window"),
                        "10m", 1_000_000L, 1_000L, 10_000L, "30s"),
                null, "api", null, null);
        assertEquals(List.of(), validator.validate(d));
        assertEquals(List.of(), validator.validate(target("redis1", Engine.REDIS, "redis://cache:6379/0")));
        assertEquals(List.of(), validator.validate(target("m1", Engine.MARIADB, "mysql://db:3306/shop")));
        assertEquals(List.of(), validator.validate(target("m2", Engine.MARIADB, "mariadb://db:3306/shop")));
    }

    @Test
    void idIsRequiredAndMatchesThePattern() {
        assertEquals(List.of("id"), fields(target(null, Engine.POSTGRESQL, "postgresql://db/orders")));
        assertTrue(message(target("-bad id", Engine.POSTGRESQL, "postgresql://db/orders"), "id").contains("-bad id"));
        assertEquals(List.of("id"), fields(target("x".repeat(64), Engine.POSTGRESQL, "postgresql://db/orders")));
    }

    @Test
    void engineIsRequired() {
        assertEquals(List.of("engine"), fields(target("a", null, "postgresql://db/orders")));
    }

    @Test
    void urlMustParseAndAgreeWithTheEngine() {
        assertEquals(List.of("url"), fields(target("a", Engine.POSTGRESQL, null)));
        assertTrue(message(target("a", Engine.POSTGRESQL, "oracle://db/x"), "url").contains("unknown database engine"));
        String mismatch = message(target("a", Engine.MYSQL, "postgresql://db/orders"), "url");
        assertTrue(mismatch.contains("mysql://"), mismatch);
        assertTrue(message(target("a", Engine.MYSQL, "mariadb://db/shop"), "url").contains("mysql://"));
        assertTrue(message(target("a", Engine.POSTGRESQL, "postgresql://u:pw@db/orders"), "url").contains("refused"));
        assertTrue(message(target("a", Engine.POSTGRESQL, "postgresql://db/orders?password=x"), "url")
                .contains("refused"));
    }

    @Test
    void sqliteFileMustExistAndBeASqliteDatabase(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.db");
        assertTrue(message(target("s", Engine.SQLITE, "sqlite://" + missing), "url").contains(missing.toString()));
        Path text = Files.writeString(dir.resolve("text.db"), "hello, not a database");
        String notSqlite = message(target("s", Engine.SQLITE, "sqlite://" + text), "url");
        assertTrue(notSqlite.contains(text.toString()) && notSqlite.contains("not a SQLite database"), notSqlite);
        byte[] header = new byte[100];
        byte[] magic = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, header, 0, magic.length);
        Path db = Files.write(dir.resolve("app.db"), header);
        TargetDefinition ok = new TargetDefinition("s", Engine.SQLITE, "sqlite://" + db, null, null, null, null, null,
                null, null, null, null);
        assertEquals(List.of(), validator.validate(ok));
    }

    @Test
    void credentialsRefMustResolveHere() {
        TargetDefinition d = new TargetDefinition("a", Engine.POSTGRESQL, "postgresql://db/orders", "u", "env:NOPE",
                null, null, null, null, null, null, null);
        assertTrue(message(d, "credentials_ref").contains("NOPE"));
        TargetDefinition bad = new TargetDefinition("a", Engine.POSTGRESQL, "postgresql://db/orders", "u", "vault:x",
                null, null, null, null, null, null, null);
        assertEquals(List.of("credentials_ref"), fields(bad));
    }

    @Test
    void durationsParseAndArePositive() {
        assertEquals(List.of("collection.interval"), fields(withCollection(collection("soon", null, null, null))));
        assertTrue(message(withCollection(collection("0s", null, null, null)), "collection.interval")
                .contains("positive"));
        assertEquals(List.of("collection.family_intervals.tables"),
                fields(withCollection(collection(null, null, Map.of("tables", "often"), null))));
        assertEquals(List.of(), fields(withCollection(collection("PT15S", null, Map.of("tables", "2m"), null))));
    }

    @Test
    void numericBounds() {
        assertEquals(List.of("collection.max_connections"), fields(withCollection(collection(null, 1, null, null))));
        assertEquals(List.of("collection.busy_connection_ratio"),
                fields(withCollection(collection(null, null, null, 0.0))));
        assertEquals(List.of("collection.busy_connection_ratio"),
                fields(withCollection(collection(null, null, null, 1.5))));
        assertEquals(List.of(), fields(withCollection(collection(null, 2, null, 1.0))));
    }

    @Test
    void windowsParseInTheTimeZone() {
        assertEquals(List.of("automation.maintenance_windows[1]"),
                fields(withAutomation(automation(List.of("0 2 * * SUN 3h", "whenever"), "UTC", null))));
        assertEquals(List.of("automation.time_zone"),
                fields(withAutomation(automation(List.of("0 2 * * SUN 3h"), "Mars/Olympus", null))));
    }

    @Test
    void policyModes() {
        String m = message(withAutomation(automation(null, null, Map.of("vacuum", "sometimes"))),
                "automation.policy.vacuum");
        assertTrue(m.contains("sometimes") && m.contains("approval"), m);
        assertEquals(List.of(), fields(withAutomation(automation(null, null, Map.of("vacuum", "off")))));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        TargetDefinition d = new TargetDefinition("", null, "nope", null, "env:NOPE", null,
                collection("x", 0, null, null), automation(List.of("bad"), "Nowhere/Zone", Map.of("r", "x")), null,
                null, null, null);
        assertEquals(List.of("id", "engine", "url", "credentials_ref", "collection.interval",
                "collection.max_connections", "automation.time_zone", "automation.maintenance_windows[0]",
                "automation.policy.r"), fields(d));
    }
}
