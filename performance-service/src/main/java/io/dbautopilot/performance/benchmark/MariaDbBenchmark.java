package io.dbautopilot.performance.benchmark;

import io.dbautopilot.model.Engine;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Benchmarks of MariaDB targets: suite {@value BenchmarkSuite#MARIADB_NAME}, pgbench's steps measured by client threads
 * over MariaDB Connector/J (every transaction's time taken on the client, so the percentiles are real), pgbench's
 * tables initialised at the configured scale, and LOAD DATA LOCAL INFILE of generated rows as the bulk load.
 */
@ApplicationScoped
public class MariaDbBenchmark implements BenchmarkEngine {

    private static final long DDL_TIMEOUT_MS = 120_000;
    /** Rows per INSERT while the accounts are loaded. */
    private static final int LOAD_BATCH = 1000;

    private final BenchmarkConfig config;
    private final MariaDbScratchDatabase scratch;

    public MariaDbBenchmark(BenchmarkConfig config, MariaDbScratchDatabase scratch) {
        this.config = config;
        this.scratch = scratch;
    }

    @Override
    public Set<Engine> engines() {
        return Set.of(Engine.MARIADB);
    }

    @Override
    public String suite() {
        return BenchmarkSuite.MARIADB_NAME;
    }

    /** Nothing to install: the driver is part of the service. */
    @Override
    public Optional<String> missing() {
        return Optional.empty();
    }

    @Override
    public void createScratch(BenchmarkTarget target, String name) throws SQLException {
        scratch.create(target, name);
    }

    @Override
    public boolean dropScratch(BenchmarkTarget target, String name) {
        return scratch.drop(target, name);
    }

    /** {@code max_connections} less {@code Threads_connected} and the headroom (MariaDB reserves no client slots). */
    @Override
    public ConnectionRoom room(BenchmarkTarget target, String database) throws SQLException {
        try (Connection c = MariaDbSessions.connect(target, database, 60_000, false); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT @@max_connections, (SELECT VARIABLE_VALUE FROM "
                     + "information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = 'THREADS_CONNECTED')")) {
            rs.next();
            return ConnectionRoom.of(rs.getInt(1), rs.getInt(2), config.connectionHeadroom());
        }
    }

    @Override
    public List<BenchmarkSuite.Step> steps(ConnectionRoom room) {
        return BenchmarkSuite.mariadb(config.clients(), config.poolClients(), room.limit());
    }

    /** pgbench's four tables ({@code pgbench_accounts} with 100,000 rows per scale unit), InnoDB. */
    @Override
    public StepMeasurement initialise(BenchmarkTarget target, String database, Path workDir, BooleanSupplier stop,
                                      Instant deadline) throws SQLException, InterruptedIOException {
        int scale = config.effectiveScale();
        try (Connection c = MariaDbSessions.connect(target, database, DDL_TIMEOUT_MS, false);
             Statement st = c.createStatement()) {
            st.execute("CREATE TABLE pgbench_branches (bid int NOT NULL PRIMARY KEY, bbalance int NOT NULL, "
                    + "filler char(88)) ENGINE=InnoDB");
            st.execute("CREATE TABLE pgbench_tellers (tid int NOT NULL PRIMARY KEY, bid int NOT NULL, "
                    + "tbalance int NOT NULL, filler char(84)) ENGINE=InnoDB");
            st.execute("CREATE TABLE pgbench_accounts (aid int NOT NULL PRIMARY KEY, bid int NOT NULL, "
                    + "abalance int NOT NULL, filler char(84)) ENGINE=InnoDB");
            st.execute("CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int, mtime datetime, "
                    + "filler char(22)) ENGINE=InnoDB");
            st.execute("CREATE TABLE autopilot_bench_insert (id bigint NOT NULL, payload varchar(100) NOT NULL) "
                    + "ENGINE=InnoDB");
            c.setAutoCommit(false);
            load(st, "pgbench_branches (bid, bbalance)", scale, i -> i + ", 0", stop, deadline);
            load(st, "pgbench_tellers (tid, bid, tbalance)", 10 * scale, i -> i + ", " + ((i - 1) / 10 + 1) + ", 0",
                    stop, deadline);
            load(st, "pgbench_accounts (aid, bid, abalance, filler)", 100_000 * scale,
                    i -> i + ", " + ((i - 1) / 100_000 + 1) + ", 0, ''", stop, deadline);
            c.commit();
        }
        return StepMeasurement.measured(0, Map.of());
    }

    /** Inserts rows 1..count of generated (numeric) values, {@value #LOAD_BATCH} per statement. */
    private static void load(Statement st, String table, int count, java.util.function.IntFunction<String> row,
                             BooleanSupplier stop, Instant deadline) throws SQLException, InterruptedIOException {
        for (int first = 1; first <= count; first += LOAD_BATCH) {
            if (stop.getAsBoolean() || !Instant.now().isBefore(deadline)) {
                throw new InterruptedIOException("benchmark stopped while loading " + table);
            }
            StringBuilder sql = new StringBuilder("INSERT INTO ").append(table).append(" VALUES ");
            for (int i = first; i < first + LOAD_BATCH && i <= count; i++) {
                sql.append(i == first ? "(" : ", (").append(row.apply(i)).append(')');
            }
            st.executeUpdate(sql.toString());
        }
    }

    @Override
    public StepMeasurement measure(BenchmarkTarget target, String database, BenchmarkSuite.Step step,
                                   Duration duration, Path workDir, Consumer<PgbenchOutput.Progress> progress,
                                   BooleanSupplier stop, Instant deadline) throws Exception {
        long budgetMs = Math.max(1000, Duration.between(Instant.now(), deadline).toMillis());
        if (step.kind() == BenchmarkSuite.Kind.BULK_LOAD) {
            return loadData(target, database, duration, budgetMs, stop, deadline);
        }
        int rows = config.multiRowInsertRows();
        ClientLoad.Result r = ClientLoad.run(step.name(), step.clients(),
                MariaDbClients.of(step, target, database, budgetMs, config.effectiveScale(), rows), duration, progress, stop,
                deadline);
        if (r.transactions() == 0) {
            throw new java.io.IOException(step.name() + " completed no transaction in " + duration
                    + "; give the suite a longer step duration");
        }
        Map<String, Double> metrics = new LinkedHashMap<>(StepMeasurement.ofTransactions(step.kind(), r.tps(),
                r.latenciesMs(), rows));
        if (r.failures() > 0) {
            metrics.put("failed_transactions", (double) r.failures());
        }
        return StepMeasurement.measured(r.seconds(), metrics);
    }

    /**
     * One {@code LOAD DATA LOCAL INFILE} of rows generated for {@code duration} into {@code autopilot_bench_load},
     * streamed from memory by the driver (no file): rows per second. Needs {@code local_infile=ON} on the server
     * (MariaDB's default).
     */
    private static StepMeasurement loadData(BenchmarkTarget target, String database, Duration duration, long budgetMs,
                                            BooleanSupplier stop, Instant deadline) throws SQLException {
        try (Connection c = MariaDbSessions.connect(target, database, budgetMs, true); Statement st = c.createStatement()) {
            st.execute("DROP TABLE IF EXISTS autopilot_bench_load");
            st.execute("CREATE TABLE autopilot_bench_load (id bigint NOT NULL, payload varchar(100) NOT NULL) "
                    + "ENGINE=InnoDB");
            st.unwrap(org.mariadb.jdbc.Statement.class).setLocalInfileInputStream(
                    new GeneratedRows(Instant.now().plus(duration), stop, deadline));
            Instant began = Instant.now();
            long loaded;
            try {
                loaded = st.executeLargeUpdate("LOAD DATA LOCAL INFILE 'autopilot_bench_rows' INTO TABLE "
                        + "autopilot_bench_load FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n' (id, payload)");
            } catch (SQLException e) {
                if (e.getErrorCode() == 1148 || e.getErrorCode() == 4166) {
                    throw new SQLException("the server refuses LOAD DATA LOCAL INFILE (local_infile=OFF); the MariaDB "
                            + "suite's bulk load needs local_infile=ON (MariaDB's default)", e.getSQLState(),
                            e.getErrorCode(), e);
                }
                throw e;
            }
            double seconds = Math.max(0.001, Duration.between(began, Instant.now()).toNanos() / 1e9);
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("rows_per_second", loaded / seconds);
            metrics.put("rows", (double) loaded);
            return StepMeasurement.measured(seconds, metrics);
        }
    }
}
