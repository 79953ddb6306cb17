package io.dbautopilot.automation.database;

import io.dbautopilot.automation.policy.PolicyConfig;
import io.dbautopilot.automation.policy.PolicyDecider;
import io.dbautopilot.automation.policy.PolicyException;
import io.dbautopilot.support.url.DatabaseUrl;
import io.smallrye.config.SmallRyeConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad managed-database configuration fails the start naming the setting (plain values, no running service). */
class ManagedDatabasesTest {

    @Test
    void aBadUrlWindowZoneOrPartitionSetIsNamedBySetting() {
        assertError(db("mysql://x/y", List.of(), "UTC", Map.of(), Map.of()),
                "autopilot.databases.orders.url must be a PostgreSQL URL (postgresql://host:port/database), not mysql");
        assertError(db("postgresql://h:5432/d", List.of("0 1 * * * 2h", "0 25 * * SUN 1h"), "UTC", Map.of(), Map.of()),
                "autopilot.databases.orders.maintenance-windows[1]: cron: '0 25 * * SUN'");
        assertError(db("postgresql://h:5432/d", List.of(), "Mars/Olympus", Map.of(), Map.of()),
                "autopilot.databases.orders.time-zone: 'Mars/Olympus' is not a time zone id");
        assertError(db("postgresql://h:5432/d", List.of(), "UTC", Map.of(), Map.of("ev", part("hourly"))),
                "autopilot.databases.orders.partitions.ev.interval: 'hourly' is not one of daily, weekly, monthly");
    }

    @Test
    void aBadOrSecretCarryingUrlFailsAtConfigLoadNamingTheSettingWithoutTheSecret() {
        SmallRyeConfig good = config("jdbc:postgresql://db.example:6543/orders?sslmode=require");
        DatabaseUrl url = good.getConfigMapping(ManagedDatabasesConfig.class).databases().get("orders").url();
        assertEquals("postgresql://db.example:6543/orders?sslmode=require", url.toString());
        assertEquals("jdbc:postgresql://db.example:6543/orders?sslmode=require", ManagedDatabases.jdbcUrl("x", url));

        Exception secret = assertThrows(Exception.class, () -> config("postgresql://app:s3cr3t-pw@h:5432/d"));
        String all = messages(secret);
        assertTrue(all.contains("autopilot.databases.orders.url"), all);
        assertTrue(all.contains("credentials inside a database URL are refused"), all);
        assertFalse(all.contains("s3cr3t-pw"), all);

        String bad = messages(assertThrows(Exception.class, () -> config("postgresql://h:5432")));
        assertTrue(bad.contains("autopilot.databases.orders.url") && bad.contains("names no database"), bad);
    }

    @Test
    void aPolicyOverrideNamingNoRuleOrAnUnknownModeIsNamedBySetting() {
        ManagedDatabases ok = new ManagedDatabases(() -> Map.of("orders",
                db("postgresql://h:5432/d", List.of(), "UTC", Map.of("index-bloat", "sometimes"), Map.of())));
        ok.validate();
        PolicyConfig defaults = Optional::empty;
        PolicyException e = assertThrows(PolicyException.class, () -> new PolicyDecider(defaults, ok).load());
        assertEquals("autopilot.databases.orders.policy.index-bloat: unknown mode 'sometimes' (expected auto, window, "
                + "approval, off)", e.getMessage());
        ManagedDatabases noRule = new ManagedDatabases(() -> Map.of("orders",
                db("postgresql://h:5432/d", List.of(), "UTC", Map.of("no-such-rule", "off"), Map.of())));
        noRule.validate();
        PolicyException e2 = assertThrows(PolicyException.class, () -> new PolicyDecider(defaults, noRule).load());
        assertEquals("autopilot.databases.orders.policy.no-such-rule: no rule named 'no-such-rule' in policy "
                + PolicyDecider.DEFAULT_POLICY, e2.getMessage());
    }

    private static SmallRyeConfig config(String url) {
        return MappedSettings.of(Map.of("autopilot.databases.orders.url", url), ManagedDatabasesConfig.class);
    }

    /** The messages of {@code t} and its causes: none may hold the secret. */
    private static String messages(Throwable t) {
        return java.util.stream.Stream.iterate(t, java.util.Objects::nonNull, Throwable::getCause)
                .map(Throwable::getMessage).collect(java.util.stream.Collectors.joining(" | "));
    }

    private static void assertError(ManagedDatabasesConfig.Database db, String expected) {
        ManagedDatabases databases = new ManagedDatabases(() -> Map.of("orders", db));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, databases::validate);
        assertEquals(true, e.getMessage().startsWith(expected), e.getMessage());
    }

    private static ManagedDatabasesConfig.PartitionedTable part(String interval) {
        return new ManagedDatabasesConfig.PartitionedTable() {
            public String table() { return "public.events"; }
            public String interval() { return interval; }
            public int premake() { return 3; }
            public Optional<Duration> retention() { return Optional.empty(); }
        };
    }

    private static ManagedDatabasesConfig.Database db(String url, List<String> windows, String zone,
                                                      Map<String, String> overrides,
                                                      Map<String, ManagedDatabasesConfig.PartitionedTable> partitions) {
        return new ManagedDatabasesConfig.Database() {
            public DatabaseUrl url() { return DatabaseUrl.parse(url); }
            public Optional<String> username() { return Optional.empty(); }
            public Optional<String> password() { return Optional.empty(); }
            public Duration lockTimeout() { return Duration.ofSeconds(2); }
            public Duration statementTimeout() { return Duration.ofMinutes(30); }
            public Optional<List<String>> maintenanceWindows() { return Optional.of(windows); }
            public String timeZone() { return zone; }
            public Map<String, String> policyOverrides() { return overrides; }
            public Duration longTransactionLimit() { return Duration.ofMinutes(5); }
            public long replicationLagLimitBytes() { return 1; }
            public long minFreeDiskBytes() { return 1; }
            public Optional<Long> diskCapacityBytes() { return Optional.empty(); }
            public Duration slowQueryThreshold() { return Duration.ofSeconds(5); }
            public Map<String, ManagedDatabasesConfig.PartitionedTable> partitions() { return partitions; }
        };
    }
}
