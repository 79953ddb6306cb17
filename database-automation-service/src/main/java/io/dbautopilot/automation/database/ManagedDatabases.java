package io.dbautopilot.automation.database;

import io.dbautopilot.automation.maintenance.MaintenanceSchedule;
import io.dbautopilot.support.window.RecurringWindow;
import io.dbautopilot.support.url.DatabaseUrl;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The configured managed databases, validated at start-up (a bad URL, window or zone fails the start naming the
 * setting), and JDBC connections to them that carry this service's {@code application_name}.
 */
@Startup
@ApplicationScoped
public class ManagedDatabases {

    /** application_name of every connection this service opens to a managed database. */
    public static final String APPLICATION_NAME = "db-autopilot-automation";

    private static final Logger LOG = Logger.getLogger(ManagedDatabases.class);

    private final ManagedDatabasesConfig config;
    private final Map<String, MaintenanceSchedule> schedules = new ConcurrentHashMap<>();
    private final Map<String, String> jdbcUrls = new ConcurrentHashMap<>();

    public ManagedDatabases(ManagedDatabasesConfig config) {
        this.config = config;
    }

    @PostConstruct
    /** Validates every managed database setting; throws naming the first bad setting. */
    public void validate() {
        config.databases().forEach((id, db) -> {
            String prefix = "autopilot.databases." + id + ".";
            jdbcUrls.put(id, jdbcUrl(prefix + "url", db.url()));
            ZoneId zone;
            try {
                zone = ZoneId.of(db.timeZone());
            } catch (DateTimeException e) {
                throw new IllegalArgumentException(prefix + "time-zone: '" + db.timeZone() + "' is not a time zone id", e);
            }
            List<RecurringWindow> windows = new ArrayList<>();
            List<String> specs = db.maintenanceWindows().orElse(List.of());
            for (int i = 0; i < specs.size(); i++) {
                try {
                    windows.add(RecurringWindow.parse(specs.get(i), zone));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(prefix + "maintenance-windows[" + i + "]: " + e.getMessage(), e);
                }
            }
            positive(prefix + "lock-timeout", db.lockTimeout().toMillis());
            positive(prefix + "statement-timeout", db.statementTimeout().toMillis());
            db.partitions().forEach((name, set) -> {
                String at = prefix + "partitions." + name + ".";
                io.dbautopilot.automation.partition.PartitionInspector.checkInterval(at + "interval", set.interval());
                if (set.table().isBlank()) {
                    throw new IllegalArgumentException(at + "table must name a table (schema.table)");
                }
                if (set.premake() < 0 || set.premake() > 366) {
                    throw new IllegalArgumentException(at + "premake must be between 0 and 366");
                }
                set.retention().ifPresent(r -> positive(at + "retention", r.toMillis()));
            });
            schedules.put(id, new MaintenanceSchedule(windows, zone));
            LOG.infof("Managed database %s: %s, windows %s (%s)", id, db.url(), specs.isEmpty() ? "none" : specs, zone);
        });
        if (config.databases().isEmpty()) {
            LOG.warn("No managed databases configured (autopilot.databases.<id>.url): anomalies are recorded, "
                    + "but no operation can run");
        }
    }

    private static void positive(String setting, long millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException(setting + " must be a positive duration");
        }
    }

    static String jdbcUrl(String setting, DatabaseUrl url) {
        if (!url.isPostgres()) {
            throw new IllegalArgumentException(setting + " must be a PostgreSQL URL (postgresql://host:port/database), "
                    + "not " + url.engine() + ": this service manages PostgreSQL databases");
        }
        return url.jdbcUrl();
    }

    /** Whether a database id is configured. */
    public boolean exists(String id) {
        return config.databases().containsKey(id);
    }

    /** Configured ids, sorted. */
    public Set<String> ids() {
        return new TreeSet<>(config.databases().keySet());
    }

    /** The settings of a configured database. */
    public ManagedDatabasesConfig.Database settings(String id) {
        ManagedDatabasesConfig.Database db = config.databases().get(id);
        if (db == null) {
            throw new IllegalArgumentException("unknown managed database '" + id + "'");
        }
        return db;
    }

    /** The maintenance schedule of a configured database. */
    public MaintenanceSchedule schedule(String id) {
        settings(id);
        return schedules.get(id);
    }

    /**
     * Opens a JDBC connection (autocommit) to a configured database with its {@code lock_timeout} and
     * {@code statement_timeout}; {@code purpose} goes into application_name.
     */
    public Connection connect(String id, String purpose) throws SQLException {
        ManagedDatabasesConfig.Database db = settings(id);
        Properties props = new Properties();
        db.username().ifPresent(u -> props.setProperty("user", u));
        db.password().ifPresent(p -> props.setProperty("password", p));
        props.setProperty("ApplicationName", purpose == null ? APPLICATION_NAME : APPLICATION_NAME + " " + purpose);
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "0");
        // defaults for every statement on this connection; maintenance statements set tighter values themselves
        props.setProperty("options", "-c lock_timeout=" + db.lockTimeout().toMillis()
                + " -c statement_timeout=" + db.statementTimeout().toMillis());
        return DriverManager.getConnection(jdbcUrls.get(id), props);
    }
}
