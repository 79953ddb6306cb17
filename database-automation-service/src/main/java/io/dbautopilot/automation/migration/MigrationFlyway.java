package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.support.url.DatabaseUrl;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.jboss.logging.Logger;

import java.io.IOException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds one Flyway instance per managed database and call (validated configuration at start-up: a location that is
 * not a directory or an id that is not a managed database fails the start naming the setting), and finds the
 * {@code U<version>__*.sql} undo scripts beside the {@code V} scripts.
 */
@Startup
@ApplicationScoped
public class MigrationFlyway {

    private static final Logger LOG = Logger.getLogger(MigrationFlyway.class);
    private static final Pattern UNDO = Pattern.compile("U(\\d+(?:[._]\\d+)*)__(.+)\\.sql");

    private final MigrationsConfig config;
    private final ManagedDatabases databases;

    public MigrationFlyway(MigrationsConfig config, ManagedDatabases databases) {
        this.config = config;
        this.databases = databases;
    }

    /** Checks every {@code autopilot.migrations.databases.<id>} setting; throws naming the first bad one. */
    @PostConstruct
    void validate() {
        if (config.lint().largeTableRows() < 0) {
            throw new IllegalArgumentException("autopilot.migrations.lint.large-table-rows: must be 0 or more, not "
                    + config.lint().largeTableRows());
        }
        if (config.lint().largeTablePages() < 0) {
            throw new IllegalArgumentException("autopilot.migrations.lint.large-table-pages: must be 0 or more, not "
                    + config.lint().largeTablePages());
        }
        config.databases().forEach((id, db) -> {
            String prefix = "autopilot.migrations.databases." + id + ".";
            if (!databases.exists(id)) {
                LOG.warnf("%slocation: '%s' is not managed yet (a registry target or autopilot.databases.%s.url): its "
                        + "migrations are checked once it is", prefix, id, id);
            }
            if (!Files.isDirectory(Path.of(db.location()))) {
                throw new IllegalArgumentException(prefix + "location: '" + db.location() + "' is not a directory");
            }
            if (!db.table().matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException(prefix + "table: '" + db.table() + "' must be a lower-case identifier");
            }
            db.schema().filter(s -> !s.matches("[a-z_][a-z0-9_]{0,62}")).ifPresent(s -> {
                throw new IllegalArgumentException(prefix + "schema: '" + s + "' must be a lower-case identifier");
            });
            LOG.infof("Migrations of %s: %s (history table %s)", id, Path.of(db.location()).toAbsolutePath(), db.table());
        });
    }

    /** Ids of the databases with a migrations location, sorted. */
    public Set<String> ids() {
        return new TreeSet<>(config.databases().keySet());
    }

    /** Whether the database has a migrations location. */
    public boolean configured(String id) {
        return config.databases().containsKey(id);
    }

    /** The migration settings of a database with a location. */
    public MigrationsConfig.Database settings(String id) {
        MigrationsConfig.Database db = config.databases().get(id);
        if (db == null) {
            throw new IllegalArgumentException("no migrations location for '" + id + "' (autopilot.migrations.databases."
                    + id + ".location)");
        }
        return db;
    }

    /**
     * A Flyway instance for the database: scripts from its location, checksums validated on migrate, {@code clean}
     * disabled, and Flyway's own PostgreSQL lock session-level ({@code flyway.postgresql.transactional.lock=false}):
     * the default transaction-level lock keeps a transaction open that {@code CREATE INDEX CONCURRENTLY} waits for
     * forever (Flyway issues #1654/#3497).
     *
     * @param purpose   application_name suffix of its connections
     * @param target    highest version to migrate to; null = latest
     * @param callbacks Flyway callbacks (progress, backend pid)
     */
    public Flyway flyway(String id, String purpose, String target, Callback... callbacks) {
        MigrationsConfig.Database db = settings(id);
        FluentConfiguration fc = Flyway.configure(getClass().getClassLoader())
                .dataSource(new ManagedDataSource(databases, id, purpose))
                .locations("filesystem:" + Path.of(db.location()).toAbsolutePath())
                .table(db.table())
                .cleanDisabled(true)
                .validateOnMigrate(true)
                .failOnMissingLocations(true)
                .ignoreMigrationPatterns("*:future")
                .mixed(false)
                .lockRetryCount(600)
                .callbacks(callbacks)
                .configuration(Map.of("flyway.postgresql.transactional.lock", "false"));
        db.schema().ifPresent(s -> fc.schemas(s).defaultSchema(s));
        if (target != null) {
            fc.target(MigrationVersion.fromVersion(target));
        }
        Flyway flyway = fc.load();
        PostgreSQLConfigurationExtension pg = flyway.getConfigurationExtension(PostgreSQLConfigurationExtension.class);
        if (pg != null && pg.isTransactionalLock()) {
            pg.setTransactionalLock(false);
        }
        return flyway;
    }

    /** Whether Flyway's PostgreSQL lock of this instance is transaction-level (for the README claim and tests). */
    public static boolean transactionalLock(Flyway flyway) {
        PostgreSQLConfigurationExtension pg = flyway.getConfigurationExtension(PostgreSQLConfigurationExtension.class);
        return pg == null || pg.isTransactionalLock();
    }

    /**
     * Whether the database's DDL is transactional (PostgreSQL): a failed script then leaves nothing behind. On MySQL /
     * MariaDB every DDL statement commits implicitly, so the statements of a failed script before the failing one stay.
     */
    public boolean transactionalDdl(String id) {
        return databases.engine(id) == io.dbautopilot.model.Engine.POSTGRESQL;
    }

    /** An undo script found in the location. */
    public record UndoScript(MigrationVersion version, String description, Path file) {
    }

    /** The undo scripts of a database by version, from {@code U<version>__<description>.sql} files. */
    public Map<MigrationVersion, UndoScript> undoScripts(String id) {
        Path dir = Path.of(settings(id).location());
        Map<MigrationVersion, UndoScript> out = new java.util.TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> all = new ArrayList<>(files.filter(Files::isRegularFile).toList());
            for (Path f : all) {
                Matcher m = UNDO.matcher(f.getFileName().toString());
                if (m.matches()) {
                    MigrationVersion v = MigrationVersion.fromVersion(m.group(1).replace('_', '.'));
                    out.put(v, new UndoScript(v, m.group(2).replace('_', ' '), f));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The key of the one-runner lock: the physical database ({@code host:port/database} of its URL), so two managed
     * ids pointing at the same database share one lock.
     */
    public String lockKey(String id) {
        DatabaseUrl url = databases.settings(id).url();
        return url.host().toLowerCase(java.util.Locale.ROOT) + ":" + url.port() + "/" + url.database();
    }

    /** The location as configured, for messages. */
    public Optional<String> location(String id) {
        return Optional.ofNullable(config.databases().get(id)).map(MigrationsConfig.Database::location);
    }
}
