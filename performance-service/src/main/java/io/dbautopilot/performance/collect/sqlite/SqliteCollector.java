package io.dbautopilot.performance.collect.sqlite;

import io.dbautopilot.model.Engine;
import io.dbautopilot.model.FamilyResult;
import io.dbautopilot.model.FamilyStatus;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.collect.CycleResult;
import io.dbautopilot.performance.collect.FamilyCatalog;
import io.dbautopilot.performance.collect.FamilyUnavailableException;
import io.dbautopilot.performance.collect.TargetRuntime;
import io.dbautopilot.performance.collect.TargetsConfig;
import io.dbautopilot.performance.engine.EngineCollector;
import io.dbautopilot.performance.engine.ServerCheck;
import io.dbautopilot.support.url.DatabaseUrl;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * SQLite files behind the collection SPI: per cycle the file, its write-ahead log and its filesystem, then every due
 * family on one read-only JDBC connection (sqlite-jdbc is blocking: the cycle runs on a worker thread). A file that is
 * gone, unreadable or no longer a SQLite database is {@code sqlite_up = 0}; it is watched again when it is back.
 */
@ApplicationScoped
public class SqliteCollector implements EngineCollector {

    private static final Logger LOG = Logger.getLogger(SqliteCollector.class);

    private final List<SqliteFamily> families;
    private final FamilyCatalog catalog;

    public SqliteCollector(Instance<SqliteFamily> families, FamilyCatalog catalog) {
        this.families = families.stream().sorted(Comparator.comparing(SqliteFamily::name)).toList();
        this.catalog = catalog;
    }

    @Override
    public Set<Engine> engines() {
        return Set.of(Engine.SQLITE);
    }

    @Override
    public Set<String> familyNames() {
        Set<String> names = new TreeSet<>();
        families.forEach(f -> names.add(f.name()));
        return names;
    }

    @Override
    public void validate(String targetId, TargetsConfig.Target target) {
        try {
            SqliteFile.path(target.url());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("autopilot.targets." + targetId + ".url: " + e.getMessage(), e);
        }
    }

    @Override
    public Optional<String> urlProblem(DatabaseUrl url) {
        return SqliteFile.problem(SqliteFile.path(url));
    }

    @Override
    public String upMetric() {
        return "sqlite_up";
    }

    @Override
    public ServerCheck check(String targetId, TargetsConfig.Target target) {
        Path file;
        try {
            file = SqliteFile.path(target.url());
        } catch (IllegalArgumentException e) {
            return new ServerCheck(false, null, e.getMessage(), "url");
        }
        Optional<String> problem = SqliteFile.problem(file);
        if (problem.isPresent()) {
            return new ServerCheck(false, null, problem.get(), "url");
        }
        try (Connection c = SqliteFile.openReadOnly(file, target.queryTimeout().toMillis());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT sqlite_version()")) {
            rs.next();
            return new ServerCheck(true, "SQLite " + rs.getString(1), null, null);
        } catch (SQLException e) {
            return new ServerCheck(false, null, file + ": " + e.getMessage(), "url");
        }
    }

    @Override
    public Uni<CycleResult> collect(TargetRuntime target) {
        return Uni.createFrom().item(() -> cycle(target)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    private CycleResult cycle(TargetRuntime target) {
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        Path file = SqliteFile.path(target.config().url());
        Map<String, List<MetricPoint>> byFamily = new TreeMap<>();
        Map<String, FamilyResult> results = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        List<MetricPoint> own = new ArrayList<>();
        Optional<String> problem = SqliteFile.problem(file);
        if (problem.isEmpty()) {
            try (Connection c = SqliteFile.openReadOnly(file, target.config().queryTimeout().toMillis())) {
                for (SqliteFamily family : families) {
                    run(target, family, c, start, byFamily, results);
                }
            } catch (SQLException e) {
                problem = Optional.of(file + ": " + e.getMessage());
            }
        }
        own.add(MetricPoint.of("sqlite_up", problem.isEmpty() ? 1 : 0));
        if (problem.isPresent()) {
            errors.put("connection", problem.get());
            LOG.debugf("target %s unreadable: %s", target.id(), problem.get());
        } else {
            files(file, own);
        }
        results.values().stream().filter(r -> r.status() == FamilyStatus.FAILED)
                .forEach(r -> errors.put(r.family(), r.detail()));
        long duration = (System.nanoTime() - t0) / 1_000_000;
        target.lastCycleMs(duration);
        List<MetricPoint> all = new ArrayList<>(own);
        byFamily.values().forEach(all::addAll);
        Map<String, List<MetricPoint>> families = new TreeMap<>(byFamily);
        families.put(CycleResult.CYCLE, own);
        return new CycleResult(new MetricSnapshot(target.id(), start, duration, List.copyOf(results.values()), errors,
                all), families, Set.of(), Set.of());
    }

    /** Sizes of the database file and its write-ahead log, the log's checkpoint sequence, its filesystem's space. */
    private static void files(Path file, List<MetricPoint> own) {
        try {
            own.add(MetricPoint.of("sqlite_file_size_bytes", Files.size(file)));
            Path wal = file.resolveSibling(file.getFileName() + "-wal");
            own.add(MetricPoint.of("sqlite_wal_size_bytes", Files.exists(wal) ? Files.size(wal) : 0));
            SqliteFile.walCheckpointSequence(wal)
                    .ifPresent(n -> own.add(MetricPoint.of("sqlite_wal_checkpoint_sequence", n)));
            FileStore store = Files.getFileStore(file);
            own.add(MetricPoint.of("sqlite_filesystem_free_bytes", store.getUsableSpace()));
            own.add(MetricPoint.of("sqlite_filesystem_size_bytes", store.getTotalSpace()));
            if (store.getTotalSpace() > 0) { // the series the disk-full forecast extrapolates (sqlite_disk_full)
                own.add(MetricPoint.of("sqlite_filesystem_used_ratio",
                        1.0 - (double) store.getUsableSpace() / store.getTotalSpace()));
            }
        } catch (IOException e) {
            LOG.debugf("sizes of %s not read: %s", file, e.getMessage());
        }
    }

    private void run(TargetRuntime target, SqliteFamily family, Connection c, Instant start,
                     Map<String, List<MetricPoint>> byFamily, Map<String, FamilyResult> results) {
        Duration interval = family.defaultInterval() == null ? target.config().interval() : family.defaultInterval();
        if (catalog.disabled(target.config(), family.name())
                || !target.due(family.name(), catalog.interval(target.config(), family.name(), interval), start)) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            byFamily.put(family.name(), family.collect(c));
            results.put(family.name(), new FamilyResult(family.name(), FamilyStatus.RAN, ms(t0), null));
        } catch (FamilyUnavailableException e) {
            if (target.firstUnavailable(family.name(), e.getMessage())) {
                LOG.infof("Target %s: family %s unavailable: %s", target.id(), family.name(), e.getMessage());
            }
            results.put(family.name(), new FamilyResult(family.name(), FamilyStatus.UNAVAILABLE, ms(t0), e.getMessage()));
        } catch (SQLException | RuntimeException e) {
            results.put(family.name(), new FamilyResult(family.name(), FamilyStatus.FAILED, ms(t0),
                    e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        target.ran(family.name(), start);
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
