package io.dbautopilot.performance.benchmark;

import io.dbautopilot.model.Engine;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Benchmarks of PostgreSQL targets: suite {@value BenchmarkSuite#NAME}, pgbench steps and one COPY over JDBC. */
@ApplicationScoped
public class PostgresBenchmark implements BenchmarkEngine {

    private final BenchmarkConfig config;
    private final PgbenchRunner pgbench;
    private final CopyStep copy;
    private final ScratchDatabase scratch;

    public PostgresBenchmark(BenchmarkConfig config, PgbenchRunner pgbench, CopyStep copy, ScratchDatabase scratch) {
        this.config = config;
        this.pgbench = pgbench;
        this.copy = copy;
        this.scratch = scratch;
    }

    @Override
    public Set<Engine> engines() {
        return Set.of(Engine.POSTGRESQL);
    }

    @Override
    public String suite() {
        return BenchmarkSuite.NAME;
    }

    @Override
    public Optional<String> missing() {
        return pgbench.missing().map(problem -> "benchmarks of PostgreSQL targets need pgbench, which this instance "
                + "cannot find: " + problem);
    }

    @Override
    public void createScratch(BenchmarkTarget target, String name) throws SQLException {
        scratch.create(target, name);
    }

    @Override
    public boolean dropScratch(BenchmarkTarget target, String name) {
        return scratch.drop(target, name);
    }

    /**
     * {@code max_connections} less {@code superuser_reserved_connections} (and PostgreSQL 16's
     * {@code reserved_connections}), the client backends now and the headroom.
     */
    @Override
    public ConnectionRoom room(BenchmarkTarget target, String database) throws SQLException {
        try (Connection c = target.connect(database, 60_000); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_setting('max_connections')::int, "
                     + "current_setting('superuser_reserved_connections')::int, "
                     + "coalesce(current_setting('reserved_connections', true), '0')::int, "
                     + "(SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')::int")) {
            rs.next();
            return ConnectionRoom.of(rs.getInt(1), rs.getInt(2) + rs.getInt(3) + rs.getInt(4),
                    config.connectionHeadroom());
        }
    }

    @Override
    public List<BenchmarkSuite.Step> steps(ConnectionRoom room) {
        return BenchmarkSuite.standard(config.clients(), config.poolClients(), room.limit());
    }

    @Override
    public StepMeasurement initialise(BenchmarkTarget target, String database, Path workDir, BooleanSupplier stop,
                                      Instant deadline) throws Exception {
        PgbenchRunner.Outcome outcome = pgbench.initialise(target, database, config.effectiveScale(), workDir, stop, deadline);
        return outcome.result().ok() ? StepMeasurement.measured(0, java.util.Map.of())
                : StepMeasurement.ended(outcome.result());
    }

    @Override
    public StepMeasurement measure(BenchmarkTarget target, String database, BenchmarkSuite.Step step,
                                   Duration duration, Path workDir, Consumer<PgbenchOutput.Progress> progress,
                                   BooleanSupplier stop, Instant deadline) throws Exception {
        if (step.kind() == BenchmarkSuite.Kind.COPY) {
            return copy.run(target, database, duration, stop, deadline);
        }
        if (step.kind() == BenchmarkSuite.Kind.INSERT || step.kind() == BenchmarkSuite.Kind.INSERT_MULTI) {
            try (Connection c = target.connect(database, 60_000); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS autopilot_bench_insert (id bigint NOT NULL, payload text NOT NULL)");
            }
        }
        return pgbench.step(target, database, step, duration, config.multiRowInsertRows(), workDir, progress, stop,
                deadline);
    }
}
