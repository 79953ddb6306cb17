package io.dbautopilot.automation.database;

import io.dbautopilot.automation.policy.Policy;
import io.dbautopilot.automation.policy.PolicyConfig;
import io.dbautopilot.automation.policy.PolicyDecider;
import io.dbautopilot.automation.policy.PolicyException;
import io.dbautopilot.model.Engine;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.model.Trust;
import io.dbautopilot.support.url.DatabaseUrl;
import io.smallrye.config.SmallRyeConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad local managed-database settings fail the start naming the setting; registry targets merge under the local
 * properties field by field and a bad one is refused naming its field (plain values, no running service).
 */
class ManagedDatabasesTest {

    private static final PolicyConfig DEFAULTS = Optional::empty;
    private static final Policy POLICY = PolicyDecider.load(DEFAULTS);

    @Test
    void aBadUrlWindowZoneOrPartitionSetIsNamedBySetting() {
        assertError(Map.of("url", "redis://x:6379/0?timeout=5"),
                "autopilot.databases.orders.url: unknown parameter 'timeout' (a Redis URL takes none");
        assertError(Map.of("url", "mysql://x:3306/y?useSSL=false"),
                "autopilot.databases.orders.url: parameter 'useSSL' is not supported for mysql (only ssl-mode)");
        assertError(Map.of("url", "mariadb://x:3306/y", "partitions.ev.table", "y.events", "partitions.ev.interval",
                "daily"), "autopilot.databases.orders.partitions: partition upkeep is PostgreSQL only");
        assertError(Map.of("maintenance-windows", "0 1 * * * 2h,0 25 * * SUN 1h"),
                "autopilot.databases.orders.maintenance-windows[1]: cron: '0 25 * * SUN'");
        assertError(Map.of("time-zone", "Mars/Olympus"),
                "autopilot.databases.orders.time-zone: 'Mars/Olympus' is not a time zone id");
        assertError(Map.of("partitions.ev.table", "public.events", "partitions.ev.interval", "hourly"),
                "autopilot.databases.orders.partitions.ev.interval: 'hourly' is not one of daily, weekly, monthly");
        assertError(Map.of("trust", "sometimes"),
                "autopilot.databases.orders.trust: 'sometimes' is not a trust level (observe, approve, auto)");
    }

    @Test
    void aSqliteFileThatIsMissingOrNotSqliteIsRefusedNamingThePath(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path missing = dir.resolve("missing.db");
        assertError(Map.of("url", "sqlite://" + missing), "autopilot.databases.orders.url: SQLite database file "
                + missing + " does not exist here");
        java.nio.file.Path text = java.nio.file.Files.writeString(dir.resolve("notes.db"), "not a database at all");
        assertError(Map.of("url", "sqlite://" + text), "autopilot.databases.orders.url: " + text
                + " is not a SQLite database");
        assertEquals("url: SQLite database file " + missing + " does not exist here (a SQLite target's file must be "
                + "local to the automation-service instance that manages it)", refused(target(Engine.SQLITE,
                "sqlite://" + missing, TargetDefinition.Automation.DEFAULTS, Trust.AUTO)));
        java.nio.file.Path real = dir.resolve("real.db");
        try (java.sql.Connection c = new org.sqlite.SQLiteConfig().createConnection("jdbc:sqlite:" + real);
             java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id integer)");
        }
        DatabaseSettings s = DatabaseSettings.of("orders", null, target(Engine.SQLITE, "sqlite://" + real,
                TargetDefinition.Automation.DEFAULTS, Trust.AUTO), ref -> "pw", POLICY, Trust.AUTO);
        assertEquals(Engine.SQLITE, s.engine());
        assertEquals("jdbc:sqlite:" + real, ManagedDatabases.jdbcUrl("url", s.url()));
        assertTrue(refused(target(Engine.MYSQL, "sqlite://" + real, TargetDefinition.Automation.DEFAULTS, Trust.AUTO))
                .startsWith("url: a sqlite:// URL cannot reach a target of engine mysql"));
    }

    @Test
    void aBadOrSecretCarryingUrlFailsAtConfigLoadNamingTheSettingWithoutTheSecret() {
        SmallRyeConfig good = config(Map.of("url", "jdbc:postgresql://db.example:6543/orders?sslmode=require"));
        DatabaseUrl url = good.getConfigMapping(ManagedDatabasesConfig.class).databases().get("orders").url().orElseThrow();
        assertEquals("postgresql://db.example:6543/orders?sslmode=require", url.toString());
        assertEquals("jdbc:postgresql://db.example:6543/orders?sslmode=require", ManagedDatabases.jdbcUrl("x", url));

        Exception secret = assertThrows(Exception.class, () -> config(Map.of("url", "postgresql://app:s3cr3t-pw@h:5432/d")));
        String all = messages(secret);
        assertTrue(all.contains("autopilot.databases.orders.url"), all);
        assertTrue(all.contains("credentials inside a database URL are refused"), all);
        assertFalse(all.contains("s3cr3t-pw"), all);

        String bad = messages(assertThrows(Exception.class, () -> config(Map.of("url", "postgresql://h:5432"))));
        assertTrue(bad.contains("autopilot.databases.orders.url") && bad.contains("names no database"), bad);
    }

    @Test
    void aPolicyOverrideNamingNoRuleOrAnUnknownModeIsNamedBySetting() {
        PolicyException e = assertThrows(PolicyException.class, () -> validate(Map.of("policy.index-bloat", "sometimes")));
        assertEquals("autopilot.databases.orders.policy.index-bloat: unknown mode 'sometimes' (expected auto, window, "
                + "approval, off)", e.getMessage());
        PolicyException e2 = assertThrows(PolicyException.class, () -> validate(Map.of("policy.no-such-rule", "off")));
        assertEquals("autopilot.databases.orders.policy.no-such-rule: no rule named 'no-such-rule' in policy "
                + PolicyDecider.DEFAULT_POLICY, e2.getMessage());
    }

    @Test
    void aRegistryTargetIsMergedUnderTheLocalPropertiesFieldByField() {
        TargetDefinition target = target(Engine.POSTGRESQL, "postgresql://db1:5432/orders",
                new TargetDefinition.Automation(List.of("0 1 * * * 3h"), "Europe/Berlin", "5s", null,
                        Map.of("index-bloat", "approval", "stale-statistics", "off"), null, 1000L, null, null, null),
                Trust.APPROVE);
        DatabaseSettings only = DatabaseSettings.of("orders", null, target, ref -> "pw-from-" + ref, POLICY, Trust.AUTO);
        assertEquals("registry", only.source());
        assertEquals("postgresql://db1:5432/orders", only.url().toString());
        assertEquals(Optional.of("app"), only.username());
        assertEquals(Optional.of("pw-from-env:ORDERS_PW"), only.password());
        assertEquals(Duration.ofSeconds(5), only.lockTimeout());
        assertEquals(Duration.ofMinutes(30), only.statementTimeout(), "default");
        assertEquals("Europe/Berlin", only.timeZone());
        assertEquals(Optional.of(List.of("0 1 * * * 3h")), only.maintenanceWindows());
        assertEquals(1000L, only.replicationLagLimitBytes());
        assertEquals(Trust.APPROVE, only.trust());
        assertFalse(only.toString().contains("pw-from"), only.toString());

        ManagedDatabasesConfig.Local local = local(Map.of("password", "local-pw", "lock-timeout", "300ms",
                "policy.index-bloat", "auto", "trust", "observe"));
        DatabaseSettings merged = DatabaseSettings.of("orders", local, target, ref -> {
            throw new AssertionError("the local password wins");
        }, POLICY, Trust.AUTO);
        assertEquals("registry+properties", merged.source());
        assertEquals(Optional.of("local-pw"), merged.password());
        assertEquals(Optional.of("app"), merged.username(), "unset locally: the registry's");
        assertEquals(Duration.ofMillis(300), merged.lockTimeout());
        assertEquals(Map.of("index-bloat", "auto", "stale-statistics", "off"), merged.policyOverrides());
        assertEquals(Trust.OBSERVE, merged.trust());
        assertEquals("Europe/Berlin", merged.timeZone());
    }

    @Test
    void aRegistryTargetThatCannotBeManagedHereIsRefusedNamingTheField() {
        // every engine is managed now: a SQLite file that is not on this instance cannot be
        assertEquals("url: SQLite database file /var/lib/app/app.db does not exist here (a SQLite target's file must be local to the automation-service instance that manages it)", refused(target(Engine.SQLITE, "sqlite:///var/lib/app/app.db",
                TargetDefinition.Automation.DEFAULTS, Trust.AUTO)));
        assertEquals("url: a redis:// URL cannot reach a target of engine mariadb", refused(target(Engine.MARIADB,
                "redis://db1:6379/0", TargetDefinition.Automation.DEFAULTS, Trust.AUTO)));
        assertEquals(Engine.REDIS, DatabaseSettings.of("cache", null, target(Engine.REDIS, "redis://db1:6379/0",
                TargetDefinition.Automation.DEFAULTS, Trust.AUTO), ref -> "pw", POLICY, Trust.AUTO).engine());
        assertEquals("url: a mysql:// URL cannot reach a target of engine postgresql", refused(target(Engine.POSTGRESQL,
                "mysql://db1:3306/orders", TargetDefinition.Automation.DEFAULTS, Trust.AUTO)));
        // MySQL and MariaDB speak one protocol: the target's engine wins over the URL's scheme
        assertEquals(Engine.MARIADB, DatabaseSettings.of("orders", null, target(Engine.MARIADB, "mysql://db1:3306/orders",
                TargetDefinition.Automation.DEFAULTS, Trust.AUTO), ref -> "pw", POLICY, Trust.AUTO).engine());
        assertTrue(refused(target(Engine.POSTGRESQL, "postgresql://db1:5432/orders", new TargetDefinition.Automation(
                List.of("0 1 * * * 3h", "0 25 * * * 1h"), null, null, null, null, null, null, null, null, null),
                Trust.AUTO)).startsWith("automation.maintenance_windows[1]: cron"));
        assertEquals("automation.time_zone: 'Mars/Olympus' is not a time zone id", refused(target(Engine.POSTGRESQL,
                "postgresql://db1:5432/orders", new TargetDefinition.Automation(List.of(), "Mars/Olympus", null, null,
                        null, null, null, null, null, null), Trust.AUTO)));
        assertTrue(refused(target(Engine.POSTGRESQL, "postgresql://db1:5432/orders", new TargetDefinition.Automation(
                List.of(), null, "soon", null, null, null, null, null, null, null), Trust.AUTO))
                .startsWith("automation.lock_timeout: 'soon' is not a duration"));
        assertEquals("automation.policy.no-such-rule: no rule named 'no-such-rule' in policy "
                + PolicyDecider.DEFAULT_POLICY, refused(target(Engine.POSTGRESQL, "postgresql://db1:5432/orders",
                new TargetDefinition.Automation(List.of(), null, null, null, Map.of("no-such-rule", "off"), null, null,
                        null, null, null), Trust.AUTO)));
        assertEquals("url: autopilot.databases.orders.url is not set and the registry has no target 'orders'",
                assertThrows(IllegalArgumentException.class, () -> DatabaseSettings.of("orders",
                        local(Map.of("password", "x")), null, ref -> "", POLICY, Trust.AUTO)).getMessage());
    }

    private static String refused(TargetDefinition target) {
        return assertThrows(RuntimeException.class,
                () -> DatabaseSettings.of("orders", null, target, ref -> "pw", POLICY, Trust.AUTO)).getMessage();
    }

    @Test
    void aTargetWithoutTrustTakesTheConfiguredDefaultAndABadDefaultFailsTheStartNamingTheSetting() {
        TargetDefinition none = target(Engine.POSTGRESQL, "postgresql://db1:5432/orders",
                TargetDefinition.Automation.DEFAULTS, null);
        assertEquals(Trust.OBSERVE, DatabaseSettings.of("orders", null, none, ref -> "pw", POLICY, Trust.OBSERVE).trust());
        assertEquals(Trust.AUTO, DatabaseSettings.of("orders", null, none, ref -> "pw", POLICY, Trust.AUTO).trust());
        assertEquals(Trust.AUTO, DatabaseSettings.of("orders", null, target(Engine.POSTGRESQL,
                "postgresql://db1:5432/orders", TargetDefinition.Automation.DEFAULTS, Trust.AUTO), ref -> "pw", POLICY,
                Trust.OBSERVE).trust(), "an explicit trust wins over the default");
        assertEquals(Trust.APPROVE, DatabaseSettings.of("orders", local(Map.of("url", "postgresql://h:5432/d")), null,
                ref -> "pw", POLICY, Trust.APPROVE).trust(), "a property target without trust takes the default");

        Map<String, String> settings = new HashMap<>(Map.of("autopilot.trust.default", "sometimes"));
        ManagedDatabases databases = ManagedDatabases.localOnly(MappedSettings.of(settings, ManagedDatabasesConfig.class)
                .getConfigMapping(ManagedDatabasesConfig.class), DEFAULTS);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, databases::validate);
        assertEquals("autopilot.trust.default: 'sometimes' is not a trust level (observe, approve, auto)", e.getMessage());
        assertEquals("auto", MappedSettings.of(new HashMap<>(), ManagedDatabasesConfig.class)
                .getConfigMapping(ManagedDatabasesConfig.class).trust().level(), "default auto");
    }

    private static TargetDefinition target(Engine engine, String url, TargetDefinition.Automation automation, Trust trust) {
        return new TargetDefinition("orders", engine, url, "app", "env:ORDERS_PW", Map.of(), null, automation, trust,
                "api", null, null);
    }

    private static SmallRyeConfig config(Map<String, String> properties) {
        Map<String, String> settings = new HashMap<>();
        properties.forEach((k, v) -> settings.put("autopilot.databases.orders." + k, v));
        return MappedSettings.of(settings, ManagedDatabasesConfig.class);
    }

    private static ManagedDatabasesConfig.Local local(Map<String, String> properties) {
        return config(properties).getConfigMapping(ManagedDatabasesConfig.class).databases().get("orders");
    }

    private static void validate(Map<String, String> properties) {
        DatabaseSettings.validateLocal("orders", local(properties), POLICY);
    }

    /** The messages of {@code t} and its causes: none may hold the secret. */
    private static String messages(Throwable t) {
        return java.util.stream.Stream.iterate(t, java.util.Objects::nonNull, Throwable::getCause)
                .map(Throwable::getMessage).collect(java.util.stream.Collectors.joining(" | "));
    }

    private static void assertError(Map<String, String> properties, String expected) {
        Map<String, String> all = new HashMap<>(properties);
        all.putIfAbsent("url", "postgresql://h:5432/d");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> validate(all));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }
}
