package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One target of the fleet registry: the value of a record on {@link Topics#TARGETS} (key = {@link #id()}, a tombstone
 * removes it). It never carries a secret: {@link #credentialsRef()} names where the password lives, and each service
 * resolves it where it connects.
 *
 * <p>The constructor only normalises (null collections become empty, null sections become {@link Collection#DEFAULTS}
 * / {@link Automation#DEFAULTS}; a null trust stays null: each service applies its own default, the automation
 * service's {@code autopilot.trust.default}); field-by-field validation with the offending
 * field's name is the registry's job ({@code io.dbautopilot.support.fleet.TargetValidator}), so a bad definition can
 * be reported as a whole rather than failing at the first field. Durations are text as in the configuration
 * ({@code 15s}, {@code 2m}, {@code PT15S}); null means the service's default.
 *
 * @param id             target id, {@code [A-Za-z0-9][A-Za-z0-9._-]{0,62}}; the Kafka key and CloudEvents subject
 * @param engine         the database engine
 * @param url            where it is, without credentials: {@code postgresql://host:5432/db}, {@code mariadb://host:3306/db},
 *                       {@code sqlite:///path/app.db}, {@code redis://host:6379}
 * @param username       user to connect as; null for none (SQLite) or the driver's default
 * @param credentialsRef where the password lives: {@code env:NAME} or {@code file:/path}; null when the target needs none
 *                       or each service configures it locally ({@code autopilot.targets.<id>.password})
 * @param labels         free-form labels, e.g. {@code env=prod}, {@code team=payments}
 * @param collection     how the performance service collects from it
 * @param automation     how the automation service may act on it
 * @param trust          how far automation may act on its own; null = the automation service's default trust
 * @param source         where the definition came from: {@code api}, {@code file} or {@code properties}
 * @param updatedAt      when it was last written; null before it is first written
 * @param updatedBy      who wrote it (API caller name, file path or {@code properties}); null before it is first written
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TargetDefinition(String id, Engine engine, String url, String username, String credentialsRef,
                               Map<String, String> labels, Collection collection, Automation automation, Trust trust,
                               String source, Instant updatedAt, String updatedBy) {

    /** Pattern every target id matches (also a safe Kafka key, file name part and metric label value). */
    public static final String ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}";

    /** Normalises nulls (see the class comment); does not validate. */
    public TargetDefinition {
        labels = Checks.map(labels, "labels");
        collection = collection == null ? Collection.DEFAULTS : collection;
        automation = automation == null ? Automation.DEFAULTS : automation;
    }

    /**
     * The same definition stamped with its origin and time of writing.
     *
     * @param newSource    {@code api}, {@code file} or {@code properties}
     * @param at           when it is written
     * @param by           who writes it
     * @return a copy with those three fields replaced
     */
    public TargetDefinition stamped(String newSource, Instant at, String by) {
        return new TargetDefinition(id, engine, url, username, credentialsRef, labels, collection, automation, trust,
                newSource, at, by);
    }

    /**
     * Whether two definitions say the same thing about the target, ignoring source and time of writing (so an import
     * that changes nothing writes nothing).
     *
     * @param other another definition, may be null
     * @return true when every field but {@code source}, {@code updatedAt} and {@code updatedBy} is equal
     */
    public boolean sameAs(TargetDefinition other) {
        return other != null && stamped(null, null, null).equals(other.stamped(null, null, null));
    }

    /**
     * How the performance service collects from a target; every null field takes the service's default.
     *
     * @param interval             base tick of the collection cycle
     * @param queryTimeout         per-statement timeout on the target
     * @param maxConnections       upper bound of connections the collector opens to the target
     * @param cycleBudget          time a cycle may take
     * @param includeDatabases     databases to collect per-database families from (globs); empty = all
     * @param excludeDatabases     databases never to collect per-database families from (globs)
     * @param disabledFamilies     families not collected for this target
     * @param familyIntervals      per-family interval overrides, e.g. {@code tables=2m}
     * @param busyConnectionRatio  share of usable connections at which the target counts as busy
     * @param hostMetrics          collect this host's metrics with the target; null = when the target is on this host
     * @param dataDirectory        the target's data directory on this host, for disk metrics
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Collection(String interval, String queryTimeout, Integer maxConnections, String cycleBudget,
                             List<String> includeDatabases, List<String> excludeDatabases,
                             List<String> disabledFamilies, Map<String, String> familyIntervals,
                             Double busyConnectionRatio, Boolean hostMetrics, String dataDirectory) {

        /** Every setting at the service's default. */
        public static final Collection DEFAULTS = new Collection(null, null, null, null, null, null, null, null, null,
                null, null);

        /** Copies the lists and map; null becomes empty. */
        public Collection {
            includeDatabases = Checks.list(includeDatabases, "include_databases");
            excludeDatabases = Checks.list(excludeDatabases, "exclude_databases");
            disabledFamilies = Checks.list(disabledFamilies, "disabled_families");
            familyIntervals = Checks.mapNoNullValues(familyIntervals, "family_intervals");
        }
    }

    /**
     * How the automation service may act on a target; every null field takes the service's default.
     *
     * @param maintenanceWindows        windows, each {@code "<5-field cron> <duration>"} in {@code timeZone}
     * @param timeZone                  IANA zone of the windows
     * @param lockTimeout               {@code lock_timeout} of maintenance statements
     * @param statementTimeout          upper bound of {@code statement_timeout}
     * @param policy                    per-rule mode overrides: rule name to {@code auto|window|approval|off}
     * @param longTransactionLimit      a transaction open longer than this defers heavy maintenance
     * @param replicationLagLimitBytes  replication lag above this defers heavy maintenance
     * @param minFreeDiskBytes          minimum free bytes on the data volume (with {@code diskCapacityBytes})
     * @param diskCapacityBytes         size of the server's data volume; null = the low-disk check is off
     * @param slowQueryThreshold        a query active longer than this counts as slow
     * @param canary                    {@code on} to let the automation service run its canary on the target
     *                                  (docs/canary.md); null or {@code off}: no canary
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Automation(List<String> maintenanceWindows, String timeZone, String lockTimeout,
                             String statementTimeout, Map<String, String> policy, String longTransactionLimit,
                             Long replicationLagLimitBytes, Long minFreeDiskBytes, Long diskCapacityBytes,
                             String slowQueryThreshold, String canary) {

        /** Every setting at the service's default. */
        public static final Automation DEFAULTS = new Automation(null, null, null, null, null, null, null, null, null,
                null, null);

        /** The settings without a canary setting (the service's default: off). */
        public Automation(List<String> maintenanceWindows, String timeZone, String lockTimeout, String statementTimeout,
                          Map<String, String> policy, String longTransactionLimit, Long replicationLagLimitBytes,
                          Long minFreeDiskBytes, Long diskCapacityBytes, String slowQueryThreshold) {
            this(maintenanceWindows, timeZone, lockTimeout, statementTimeout, policy, longTransactionLimit,
                    replicationLagLimitBytes, minFreeDiskBytes, diskCapacityBytes, slowQueryThreshold, null);
        }

        /** Copies the list and map; null becomes empty. */
        public Automation {
            maintenanceWindows = Checks.list(maintenanceWindows, "maintenance_windows");
            policy = Checks.mapNoNullValues(policy, "policy");
        }
    }
}
