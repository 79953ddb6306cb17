package io.dbautopilot.automation.database;

import io.dbautopilot.automation.policy.Mode;
import io.dbautopilot.automation.policy.Policy;
import io.dbautopilot.automation.policy.PolicyException;
import io.dbautopilot.model.Engine;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.model.Trust;
import io.dbautopilot.support.url.DatabaseUrl;
import io.dbautopilot.support.window.RecurringWindow;
import io.quarkus.runtime.configuration.DurationConverter;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One managed database's effective settings: each local property ({@code autopilot.databases.<id>.*}) that is set,
 * else the registry target's field, else the default; the password is resolved when a connection is opened.
 *
 * @param url                      where it is (PostgreSQL, MySQL, MariaDB, Redis or a local SQLite file)
 * @param username                 user to connect as
 * @param secret                   resolves the password (local property, else the target's {@code credentials_ref})
 * @param lockTimeout              see {@link ManagedDatabasesConfig.Database#lockTimeout()}
 * @param statementTimeout         see {@link ManagedDatabasesConfig.Database#statementTimeout()}
 * @param maintenanceWindows       see {@link ManagedDatabasesConfig.Database#maintenanceWindows()}
 * @param timeZone                 IANA zone of the windows
 * @param policyOverrides          rule name to mode, the registry's overridden rule by rule by the local ones
 * @param longTransactionLimit     see {@link ManagedDatabasesConfig.Database#longTransactionLimit()}
 * @param replicationLagLimitBytes see {@link ManagedDatabasesConfig.Database#replicationLagLimitBytes()}
 * @param minFreeDiskBytes         see {@link ManagedDatabasesConfig.Database#minFreeDiskBytes()}
 * @param diskCapacityBytes        see {@link ManagedDatabasesConfig.Database#diskCapacityBytes()}
 * @param slowQueryThreshold       see {@link ManagedDatabasesConfig.Database#slowQueryThreshold()}
 * @param partitions               partition sets (local properties only)
 * @param trust                    how far this service may act on its own
 * @param canary                   whether the canary runs on this database (docs/canary.md)
 * @param source                   {@code properties}, {@code registry} or {@code registry+properties}
 * @param engine                   the registry target's engine, else the URL's ({@code mysql://} MySQL,
 *                                 {@code mariadb://} MariaDB, {@code sqlite://} SQLite); capabilities are looked
 *                                 up by it
 */
public record DatabaseSettings(DatabaseUrl url, Optional<String> username, Supplier<Optional<String>> secret,
                               Duration lockTimeout, Duration statementTimeout, Optional<List<String>> maintenanceWindows,
                               String timeZone, Map<String, String> policyOverrides, Duration longTransactionLimit,
                               long replicationLagLimitBytes, long minFreeDiskBytes, Optional<Long> diskCapacityBytes,
                               Duration slowQueryThreshold, Map<String, ManagedDatabasesConfig.PartitionedTable> partitions,
                               Trust trust, boolean canary, String source, Engine engine)
        implements ManagedDatabasesConfig.Database {

    static final Duration LOCK_TIMEOUT = Duration.ofSeconds(2);
    static final Duration STATEMENT_TIMEOUT = Duration.ofMinutes(30);
    static final Duration LONG_TRANSACTION_LIMIT = Duration.ofMinutes(5);
    static final long REPLICATION_LAG_LIMIT_BYTES = 268_435_456L;
    static final long MIN_FREE_DISK_BYTES = 1_073_741_824L;
    static final Duration SLOW_QUERY_THRESHOLD = Duration.ofSeconds(5);

    /** Resolves a password from a target's {@code credentials_ref}; throws naming the reference, never the secret. */
    @FunctionalInterface
    public interface CredentialResolver {
        String resolve(String credentialsRef);
    }

    @Override
    public Optional<String> password() {
        return secret.get();
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "DatabaseSettings[" + url + ", user " + username.orElse("-") + ", trust " + trust.wire() + ", " + source + "]";
    }

    /**
     * Checks every local property of a database that is set (the start fails on a bad one, as before the registry):
     * URL engine, time zone, windows, timeouts, partition sets, policy overrides against {@code policy}, trust.
     *
     * @throws IllegalArgumentException or {@link PolicyException} naming the setting
     */
    public static void validateLocal(String id, ManagedDatabasesConfig.Local local, Policy policy) {
        String prefix = "autopilot.databases." + id + ".";
        local.url().ifPresent(u -> ManagedDatabases.jdbcUrl(prefix + "url", u));
        if (local.url().filter(u -> !u.isPostgres()).isPresent() && !local.partitions().isEmpty()) {
            throw new IllegalArgumentException(prefix + "partitions: partition upkeep is PostgreSQL only, not for "
                    + local.url().get().engine());
        }
        ZoneId zone = local.timeZone().map(z -> zone(prefix + "time-zone", z)).orElse(ZoneId.of("UTC"));
        windows(prefix + "maintenance-windows", local.maintenanceWindows().orElse(List.of()), zone);
        local.lockTimeout().ifPresent(d -> positive(prefix + "lock-timeout", d));
        local.statementTimeout().ifPresent(d -> positive(prefix + "statement-timeout", d));
        local.longTransactionLimit().ifPresent(d -> positive(prefix + "long-transaction-limit", d));
        local.slowQueryThreshold().ifPresent(d -> positive(prefix + "slow-query-threshold", d));
        local.replicationLagLimitBytes().ifPresent(b -> notNegative(prefix + "replication-lag-limit-bytes", b));
        local.minFreeDiskBytes().ifPresent(b -> notNegative(prefix + "min-free-disk-bytes", b));
        local.diskCapacityBytes().ifPresent(b -> notNegative(prefix + "disk-capacity-bytes", b));
        local.trust().ifPresent(t -> trust(prefix + "trust", t));
        local.canary().ifPresent(c -> canary(prefix + "canary", c));
        local.partitions().forEach((name, set) -> {
            String at = prefix + "partitions." + name + ".";
            io.dbautopilot.automation.partition.PartitionInspector.checkInterval(at + "interval", set.interval());
            if (set.table().isBlank()) {
                throw new IllegalArgumentException(at + "table must name a table (schema.table)");
            }
            if (set.premake() < 0 || set.premake() > 366) {
                throw new IllegalArgumentException(at + "premake must be between 0 and 366");
            }
            set.retention().ifPresent(r -> positive(at + "retention", r));
        });
        local.policyOverrides().forEach((rule, mode) -> checkOverride(prefix + "policy." + rule, rule, mode, policy));
    }

    /**
     * The effective settings of a database from its local properties (validated by {@link #validateLocal}) and its
     * registry target, either of which may be null; {@code defaultTrust} when neither sets a trust.
     *
     * @throws IllegalArgumentException naming the registry field (e.g. {@code automation.maintenance_windows[1]}) when
     *                                  the target cannot be managed here; the message never holds a secret
     */
    public static DatabaseSettings of(String id, ManagedDatabasesConfig.Local local, TargetDefinition target,
                                      CredentialResolver credentials, Policy policy, Trust defaultTrust) {
        Optional<ManagedDatabasesConfig.Local> l = Optional.ofNullable(local);
        TargetDefinition.Automation a = target == null ? TargetDefinition.Automation.DEFAULTS : target.automation();
        if (target != null && target.engine() != null && !MANAGED_ENGINES.contains(target.engine())) {
            throw new IllegalArgumentException("engine " + target.engine().wire() + " is not managed yet");
        }
        DatabaseUrl url = l.flatMap(ManagedDatabasesConfig.Local::url).orElseGet(() -> registryUrl(id, target));
        ManagedDatabases.jdbcUrl("url", url);
        Engine engine = engine(target, url);
        if (engine != Engine.POSTGRESQL && l.map(x -> !x.partitions().isEmpty()).orElse(false)) {
            throw new IllegalArgumentException("partitions: partition upkeep is PostgreSQL only, not for engine "
                    + engine.wire());
        }
        Optional<String> username = l.flatMap(ManagedDatabasesConfig.Local::username)
                .or(() -> Optional.ofNullable(target == null ? null : target.username()).filter(u -> !u.isBlank()));
        Optional<String> localPassword = l.flatMap(ManagedDatabasesConfig.Local::password);
        String ref = target == null ? null : target.credentialsRef();
        Supplier<Optional<String>> secret = localPassword.isPresent() || ref == null || ref.isBlank()
                ? () -> localPassword
                : () -> Optional.of(credentials.resolve(ref));
        String zoneText = l.flatMap(ManagedDatabasesConfig.Local::timeZone).orElse(or(a.timeZone(), "UTC"));
        ZoneId zone = zone(l.flatMap(ManagedDatabasesConfig.Local::timeZone).isPresent() ? "time-zone"
                : "automation.time_zone", zoneText);
        Optional<List<String>> windows = l.flatMap(ManagedDatabasesConfig.Local::maintenanceWindows)
                .or(() -> a.maintenanceWindows().isEmpty() ? Optional.empty() : Optional.of(a.maintenanceWindows()));
        if (l.flatMap(ManagedDatabasesConfig.Local::maintenanceWindows).isEmpty()) {
            windows("automation.maintenance_windows", a.maintenanceWindows(), zone);
        }
        Map<String, String> policy0 = new LinkedHashMap<>();
        a.policy().forEach((rule, mode) -> {
            checkOverride("automation.policy." + rule, rule, mode, policy);
            policy0.put(rule, mode);
        });
        l.ifPresent(x -> policy0.putAll(x.policyOverrides()));
        Trust trust = l.flatMap(ManagedDatabasesConfig.Local::trust).map(t -> trust("trust", t))
                .orElse(target == null || target.trust() == null ? defaultTrust : target.trust());
        boolean canary = l.flatMap(ManagedDatabasesConfig.Local::canary).map(c -> canary("canary", c))
                .orElseGet(() -> a.canary() != null && canary("automation.canary", a.canary()));
        String source = target == null ? "properties" : local == null ? "registry" : "registry+properties";
        return new DatabaseSettings(url, username, secret,
                l.flatMap(ManagedDatabasesConfig.Local::lockTimeout).orElseGet(() ->
                        duration("automation.lock_timeout", a.lockTimeout(), LOCK_TIMEOUT)),
                l.flatMap(ManagedDatabasesConfig.Local::statementTimeout).orElseGet(() ->
                        duration("automation.statement_timeout", a.statementTimeout(), STATEMENT_TIMEOUT)),
                windows, zoneText, Map.copyOf(policy0),
                l.flatMap(ManagedDatabasesConfig.Local::longTransactionLimit).orElseGet(() ->
                        duration("automation.long_transaction_limit", a.longTransactionLimit(), LONG_TRANSACTION_LIMIT)),
                l.flatMap(ManagedDatabasesConfig.Local::replicationLagLimitBytes).orElseGet(() ->
                        bytes("automation.replication_lag_limit_bytes", a.replicationLagLimitBytes(), REPLICATION_LAG_LIMIT_BYTES)),
                l.flatMap(ManagedDatabasesConfig.Local::minFreeDiskBytes).orElseGet(() ->
                        bytes("automation.min_free_disk_bytes", a.minFreeDiskBytes(), MIN_FREE_DISK_BYTES)),
                l.flatMap(ManagedDatabasesConfig.Local::diskCapacityBytes).or(() ->
                        Optional.ofNullable(a.diskCapacityBytes()).map(b -> bytes("automation.disk_capacity_bytes", b, 0))),
                l.flatMap(ManagedDatabasesConfig.Local::slowQueryThreshold).orElseGet(() ->
                        duration("automation.slow_query_threshold", a.slowQueryThreshold(), SLOW_QUERY_THRESHOLD)),
                l.map(ManagedDatabasesConfig.Local::partitions).map(Map::copyOf).orElse(Map.of()), trust, canary, source,
                engine);
    }

    /** Engines this service manages. */
    static final java.util.Set<Engine> MANAGED_ENGINES = java.util.EnumSet.of(Engine.POSTGRESQL, Engine.MYSQL,
            Engine.MARIADB, Engine.REDIS, Engine.SQLITE);

    /** The target's engine when it names one (its URL must speak it), else the URL's. */
    private static Engine engine(TargetDefinition target, DatabaseUrl url) {
        Engine named = Engine.fromWire(url.engine());
        if (target == null || target.engine() == null || target.engine() == named) {
            return named;
        }
        boolean mysqlFamily = (named == Engine.MYSQL || named == Engine.MARIADB)
                && (target.engine() == Engine.MYSQL || target.engine() == Engine.MARIADB);
        if (!mysqlFamily) {
            throw new IllegalArgumentException("url: a " + url.engine() + ":// URL cannot reach a target of engine "
                    + target.engine().wire());
        }
        return target.engine();
    }

    /** The maintenance windows of these settings, parsed. */
    List<RecurringWindow> parsedWindows() {
        return windows("maintenance-windows", maintenanceWindows.orElse(List.of()), ZoneId.of(timeZone));
    }

    private static DatabaseUrl registryUrl(String id, TargetDefinition target) {
        if (target == null) {
            throw new IllegalArgumentException("url: autopilot.databases." + id + ".url is not set and the registry has "
                    + "no target '" + id + "'");
        }
        if (target.url() == null || target.url().isBlank()) {
            throw new IllegalArgumentException("url: missing");
        }
        try {
            return DatabaseUrl.parse(target.url());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("url: " + e.getMessage(), e);
        }
    }

    private static String or(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    private static ZoneId zone(String field, String text) {
        try {
            return ZoneId.of(text);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(field + ": '" + text + "' is not a time zone id", e);
        }
    }

    private static List<RecurringWindow> windows(String field, List<String> specs, ZoneId zone) {
        List<RecurringWindow> windows = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            try {
                windows.add(RecurringWindow.parse(specs.get(i), zone));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(field + "[" + i + "]: " + e.getMessage(), e);
            }
        }
        return windows;
    }

    private static Duration duration(String field, String text, Duration fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        Duration d;
        try {
            d = DurationConverter.parseDuration(text.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(field + ": '" + text + "' is not a duration (e.g. 15s, 2m, PT15S)", e);
        }
        positive(field, d);
        return d;
    }

    private static long bytes(String field, Long value, long fallback) {
        if (value == null) {
            return fallback;
        }
        notNegative(field, value);
        return value;
    }

    private static void positive(String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(field + " must be a positive duration");
        }
    }

    private static void notNegative(String field, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must not be negative");
        }
    }

    /**
     * Parses a trust level, failing naming {@code field}.
     *
     * @throws IllegalArgumentException naming the field and the accepted values
     */
    public static Trust trust(String field, String text) {
        try {
            Trust t = Trust.fromWire(text.trim());
            if (t != null) {
                return t;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException(field + ": '" + text + "' is not a trust level (observe, approve, auto)");
    }

    /**
     * Parses a canary switch ({@code on}/{@code off}; {@code true}/{@code false} as YAML reads a bare on/off).
     *
     * @throws IllegalArgumentException naming the field
     */
    static boolean canary(String field, String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "on", "true" -> true;
            case "off", "false" -> false;
            default -> throw new IllegalArgumentException(field + ": '" + text + "' is not on or off");
        };
    }

    private static void checkOverride(String field, String rule, String mode, Policy policy) {
        if (policy != null && policy.rule(rule).isEmpty()) {
            throw new PolicyException(field + ": no rule named '" + rule + "' in policy " + policy.source());
        }
        if (Mode.parse(mode).isEmpty()) {
            throw new PolicyException(field + ": unknown mode '" + mode + "' (expected auto, window, approval, off)");
        }
    }
}
