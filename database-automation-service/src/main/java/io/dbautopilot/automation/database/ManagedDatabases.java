package io.dbautopilot.automation.database;

import io.dbautopilot.automation.maintenance.MaintenanceSchedule;
import io.dbautopilot.automation.mysql.MySqlConnections;
import io.dbautopilot.automation.sqlite.SqliteConnections;
import io.dbautopilot.automation.policy.Policy;
import io.dbautopilot.automation.policy.PolicyConfig;
import io.dbautopilot.automation.policy.PolicyDecider;
import io.dbautopilot.model.Engine;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.model.Topics;
import io.dbautopilot.model.Trust;
import io.dbautopilot.support.fleet.Credentials;
import io.dbautopilot.support.fleet.FleetConfig;
import io.dbautopilot.support.fleet.RegisteredTarget;
import io.dbautopilot.support.fleet.TargetStore;
import io.dbautopilot.support.url.DatabaseUrl;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The managed databases: every target of the fleet registry ({@link TargetStore}) and every local
 * {@code autopilot.databases.<id>.*} entry, merged field by field (a local property that is set wins), followed at
 * runtime; JDBC connections to them carry this service's {@code application_name}. A bad local property fails the
 * start naming the setting; a registry target that cannot be managed here is kept out with one WARN per change and
 * listed by {@link #unavailable()}.
 */
@Startup
@ApplicationScoped
public class ManagedDatabases {

    /** application_name of every connection this service opens to a managed database. */
    public static final String APPLICATION_NAME = "db-autopilot-automation";

    private static final Logger LOG = Logger.getLogger(ManagedDatabases.class);

    /** One managed database: its settings, maintenance schedule, engine and JDBC URL. */
    private record Managed(DatabaseSettings settings, MaintenanceSchedule schedule, Engine engine, String jdbcUrl) {
    }

    private final ManagedDatabasesConfig config;
    private final PolicyConfig policyConfig;
    private final TargetStore store;
    private final DatabaseSettings.CredentialResolver credentials;
    private final Duration catchUpTimeout;
    private final Map<String, TargetDefinition> registry = new ConcurrentHashMap<>();
    private final Map<String, Managed> managed = new ConcurrentHashMap<>();
    private final Map<String, String> unavailable = new ConcurrentHashMap<>();
    private Policy policy;
    private Trust defaultTrust = Trust.AUTO;

    @Inject
    public ManagedDatabases(ManagedDatabasesConfig config, PolicyConfig policyConfig, TargetStore store,
                            Credentials credentials, FleetConfig fleet) {
        this(config, policyConfig, store, credentials::resolve, fleet.catchUpTimeout());
    }

    private ManagedDatabases(ManagedDatabasesConfig config, PolicyConfig policyConfig, TargetStore store,
                             DatabaseSettings.CredentialResolver credentials, Duration catchUpTimeout) {
        this.config = config;
        this.policyConfig = policyConfig;
        this.store = store;
        this.credentials = credentials;
        this.catchUpTimeout = catchUpTimeout;
    }

    /** The local settings alone, without the registry (plain tests and tools); call {@link #validate()}. */
    public static ManagedDatabases localOnly(ManagedDatabasesConfig config, PolicyConfig policyConfig) {
        return new ManagedDatabases(config, policyConfig, null, ref -> {
            throw new IllegalArgumentException("no credentials resolver for " + ref);
        }, Duration.ZERO);
    }

    @PostConstruct
    /** Validates the local settings (throws naming the first bad one), then follows the registry. */
    public void validate() {
        defaultTrust = DatabaseSettings.trust("autopilot.trust.default", config.trust().level());
        policy = PolicyDecider.load(policyConfig);
        config.databases().forEach((id, local) -> DatabaseSettings.validateLocal(id, local, policy));
        config.databases().forEach((id, local) -> {
            if (local.url().isPresent()) {
                rebuild(id);
            }
        });
        if (store != null) {
            store.addListener(this::changed);
            if (!store.awaitCaughtUp(catchUpTimeout)) {
                LOG.warnf("The fleet registry (%s) was not read to its end within %s: its targets are managed as they "
                        + "arrive", Topics.TARGETS, catchUpTimeout);
            }
        }
        config.databases().keySet().forEach(id -> {
            if (!managed.containsKey(id) && !unavailable.containsKey(id)) {
                rebuild(id);
            }
        });
        if (managed.isEmpty()) {
            LOG.warn("No managed databases yet (registry targets or autopilot.databases.<id>.url): anomalies are "
                    + "recorded, but no operation can run");
        }
    }

    private void changed(String id, Optional<RegisteredTarget> target) {
        TargetDefinition now = target.map(RegisteredTarget::definition).orElse(null);
        TargetDefinition before = now == null ? registry.remove(id) : registry.put(id, now);
        if (now != null && now.sameAs(before)) {
            return;
        }
        if (now == null && before == null) {
            return;
        }
        rebuild(id);
    }

    /** Recomputes one database from its local properties and registry target (on the store's thread: no I/O). */
    private synchronized void rebuild(String id) {
        ManagedDatabasesConfig.Local local = config.databases().get(id);
        TargetDefinition target = registry.get(id);
        if (local == null && target == null) {
            if (managed.remove(id) != null || unavailable.remove(id) != null) {
                LOG.infof("Target %s was removed from the registry: no new operations for it (running ones finish)", id);
            }
        } else {
            try {
                DatabaseSettings s = DatabaseSettings.of(id, local, target, credentials::resolve, policy, defaultTrust);
                managed.put(id, new Managed(s, new MaintenanceSchedule(s.parsedWindows(), ZoneId.of(s.timeZone())),
                        s.engine(), jdbcUrl("url", s.url())));
                unavailable.remove(id);
                LOG.infof("Managed database %s (%s): %s, windows %s (%s), trust %s", id, s.source(), s.url(),
                        s.maintenanceWindows().map(Object::toString).orElse("none"), s.timeZone(), s.trust().wire());
            } catch (RuntimeException e) {
                managed.remove(id);
                unavailable.put(id, e.getMessage());
                LOG.warnf("Target %s is not managed by this service: %s", id, e.getMessage());
            }
        }
    }

    /**
     * The JDBC URL of a managed database's URL: PostgreSQL ({@code postgresql://}), MySQL / MariaDB
     * ({@code mysql://}, {@code mariadb://}, MariaDB Connector/J) or SQLite ({@code sqlite:///path}, the file must exist
     * here and be a SQLite database); null for Redis ({@code redis://host:port/db}, checked); any other engine fails
     * naming {@code setting}.
     */
    static String jdbcUrl(String setting, DatabaseUrl url) {
        if (url.isPostgres()) {
            return url.jdbcUrl();
        }
        if (MySqlConnections.isMySqlFamily(url)) {
            return MySqlConnections.jdbcUrl(setting, url);
        }
        if (url.engine().equals("redis")) {
            io.dbautopilot.automation.redis.RedisConnections.check(setting, url);
            return null; // no JDBC: Redis targets are reached through the Vert.x Redis client (RedisConnections)
        }
        if (SqliteConnections.isSqlite(url)) {
            return "jdbc:sqlite:" + SqliteConnections.file(setting, url);
        }
        throw new IllegalArgumentException(setting + " must be a PostgreSQL, MySQL, MariaDB, Redis or SQLite URL "
                + "(postgresql://, mysql://, mariadb://host:port/database, redis://host:port/db, "
                + "sqlite:///absolute/path.db), not " + url.engine()
                + ": this service manages no " + url.engine() + " databases yet");
    }

    /** Whether a database id is managed now. */
    public boolean exists(String id) {
        return managed.containsKey(id);
    }

    /** Managed ids now, sorted. */
    public Set<String> ids() {
        return new TreeSet<>(managed.keySet());
    }

    /** Targets that cannot be managed here, with the reason (naming the field), by id. */
    public Map<String, String> unavailable() {
        return new TreeMap<>(unavailable);
    }

    /** Why a database id has no operations: {@code unknown target}, or {@code unavailable: <reason>}; empty when managed. */
    public Optional<String> notManaged(String id) {
        if (exists(id)) {
            return Optional.empty();
        }
        String reason = unavailable.get(id);
        return Optional.of(reason == null ? "unknown target" : "unavailable: " + reason);
    }

    /** The trust level of a managed database; {@code autopilot.trust.default} when it is not managed. */
    public Trust trust(String id) {
        Managed m = managed.get(id);
        return m == null ? defaultTrust : m.settings().trust();
    }

    /** The settings of a managed database. */
    public ManagedDatabasesConfig.Database settings(String id) {
        return get(id).settings();
    }

    /** The engine of a managed database (the registry target's, else its URL's). */
    public Engine engine(String id) {
        return get(id).engine();
    }

    /** The engine of a managed database, empty when it is not managed. */
    public Optional<Engine> engineOf(String id) {
        return Optional.ofNullable(managed.get(id)).map(Managed::engine);
    }

    /** The maintenance schedule of a managed database. */
    public MaintenanceSchedule schedule(String id) {
        return get(id).schedule();
    }

    private Managed get(String id) {
        Managed m = managed.get(id);
        if (m == null) {
            throw new IllegalArgumentException("unknown managed database '" + id + "'");
        }
        return m;
    }

    /**
     * Opens a JDBC connection (autocommit) to a configured database with its {@code lock_timeout} and
     * {@code statement_timeout}; {@code purpose} goes into application_name (PostgreSQL) or the connection attribute
     * {@code program_name} (MySQL / MariaDB, see {@link MySqlConnections}); a SQLite file is opened read-write with
     * the lock timeout as its busy timeout ({@link SqliteConnections}, SQLite has no statement timeout).
     */
    public Connection connect(String id, String purpose) throws SQLException {
        Managed m = managed.get(id);
        if (m == null) {
            throw new SQLException("'" + id + "' is not a managed database (" + notManaged(id).orElse("") + ")", "08001");
        }
        DatabaseSettings db = m.settings();
        if (m.engine() == Engine.REDIS) {
            throw new SQLException("'" + id + "' is a Redis target: it has no SQL connection (RedisConnections)", "0A000");
        }
        if (m.engine() == Engine.SQLITE) {
            return SqliteConnections.open(java.nio.file.Path.of(db.url().database()), db.lockTimeout());
        }
        if (m.engine() != Engine.POSTGRESQL) {
            return MySqlConnections.connect(id, m.jdbcUrl(), db, purpose == null ? APPLICATION_NAME
                    : APPLICATION_NAME + " " + purpose);
        }
        Properties props = new Properties();
        db.username().ifPresent(u -> props.setProperty("user", u));
        try {
            db.password().ifPresent(p -> props.setProperty("password", p));
        } catch (RuntimeException e) {
            throw new SQLException("credentials of '" + id + "': " + e.getMessage(), "28000");
        }
        props.setProperty("ApplicationName", purpose == null ? APPLICATION_NAME : APPLICATION_NAME + " " + purpose);
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "0");
        // defaults for every statement on this connection; maintenance statements set tighter values themselves
        props.setProperty("options", "-c lock_timeout=" + db.lockTimeout().toMillis()
                + " -c statement_timeout=" + db.statementTimeout().toMillis());
        return DriverManager.getConnection(m.jdbcUrl(), props);
    }
}
