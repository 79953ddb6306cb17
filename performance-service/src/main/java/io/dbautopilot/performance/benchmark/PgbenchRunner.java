package io.dbautopilot.performance.benchmark;

import io.dbautopilot.support.tool.ExternalTools;
import io.dbautopilot.support.tool.ToolProcess;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Runs pgbench against a scratch database through {@link ToolProcess}: an argument list (host, port, user and database
 * as separate arguments, scripts as files the suite writes), the password in the environment only, a deadline and a
 * stop signal that kill it; turns its output and transaction logs into a step's metrics.
 */
@ApplicationScoped
public class PgbenchRunner {

    private static final Logger LOG = Logger.getLogger(PgbenchRunner.class);

    /** The single-row INSERT step's script (a constant: nothing from a request reaches it). */
    static final String INSERT_SCRIPT = "\\set id random(1, 2000000000)\n"
            + "INSERT INTO autopilot_bench_insert (id, payload) VALUES (:id, 'db autopilot benchmark row 0123456789');\n";

    /** The connection-latency and simple-query steps' script. */
    static final String SELECT_1_SCRIPT = "SELECT 1;\n";

    /** The multi-row INSERT step's script: one INSERT of {@code rows} rows (a constant and a configured count only). */
    static String multiRowInsertScript(int rows) {
        StringBuilder sql = new StringBuilder("\\set id random(1, 2000000000)\n"
                + "INSERT INTO autopilot_bench_insert (id, payload) VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ", ").append("(:id + ").append(i)
                    .append(", 'db autopilot benchmark row 0123456789')");
        }
        return sql.append(";\n").toString();
    }

    private final ExternalTools tools;

    public PgbenchRunner(ExternalTools tools) {
        this.tools = tools;
    }

    /** Where pgbench is, or why it is not there (what to install, where it was looked for). */
    public Optional<String> missing() {
        return Optional.ofNullable(tools.status("pgbench").problem());
    }

    /** How a pgbench run ended: the result of the process and its output lines. */
    record Outcome(ToolProcess.Result result, OptionalDouble tps) {
    }

    /** Initialises pgbench's tables at {@code scale} in {@code database}. */
    Outcome initialise(BenchmarkTarget target, String database, int scale, Path workDir, BooleanSupplier stop,
                       Instant deadline) throws IOException {
        List<String> args = new ArrayList<>(List.of("-i", "-q", "-s", Integer.toString(scale)));
        return run(target, database, args, workDir, line -> { }, stop, deadline);
    }

    /**
     * Runs one pgbench step for {@code duration} (whole seconds, at least 1) with progress every second, and returns
     * its metrics: tps and the p50 / p95 / p99 transaction latency in ms from the transaction log. For the connect step
     * ({@code -C}) the latencies are the time from one transaction's end to the client's next one's end, i.e. a whole
     * disconnect + connect + {@code SELECT 1} cycle (pgbench's own logged latency leaves the connection out), and
     * {@code connections_per_second} is its tps; the INSERT steps add {@code rows_per_second}.
     */
    StepMeasurement step(BenchmarkTarget target, String database, BenchmarkSuite.Step step, Duration duration,
                         int multiRowInsertRows, Path workDir, Consumer<PgbenchOutput.Progress> progress,
                         BooleanSupplier stop, Instant deadline)
            throws IOException {
        long seconds = Math.max(1, (duration.toMillis() + 999) / 1000);
        for (int attempt = 0; ; attempt++) {
            Optional<StepMeasurement> measured = attempt(target, database, step, seconds, multiRowInsertRows, workDir,
                    progress, stop, deadline);
            if (measured.isPresent()) {
                return measured.get();
            }
            // A step so short that no client finished a transaction (64 clients on a starved machine can spend the
            // whole second waiting): run it again twice as long rather than fail the run, as long as time is left.
            long longer = seconds * 2;
            if (attempt >= MAX_LONGER_ATTEMPTS || stop.getAsBoolean()
                    || Instant.now().plusSeconds(longer + 5).isAfter(deadline)) {
                throw new IOException("pgbench ran " + step.name() + " for " + seconds
                        + " s but logged no transaction; give the suite a longer step duration");
            }
            LOG.infof("pgbench step %s logged no transaction in %d s; running it again for %d s", step.name(),
                    seconds, longer);
            seconds = longer;
        }
    }

    /** Attempts a step needs at most when none of its clients completes a transaction in the step's time. */
    private static final int MAX_LONGER_ATTEMPTS = 3;

    private Optional<StepMeasurement> attempt(BenchmarkTarget target, String database, BenchmarkSuite.Step step,
                                              long seconds, int multiRowInsertRows, Path workDir,
                                              Consumer<PgbenchOutput.Progress> progress, BooleanSupplier stop,
                                              Instant deadline) throws IOException {
        int threads = Math.max(1, Math.min(step.clients(), Runtime.getRuntime().availableProcessors()));
        List<String> args = new ArrayList<>(List.of("-n", "-c", Integer.toString(step.clients()), "-j",
                Integer.toString(threads), "-T", Long.toString(seconds), "-P", "1", "-l",
                "--log-prefix=" + workDir.resolve(step.name())));
        switch (step.kind()) {
            case SELECT_ONLY -> args.add("-S");
            case CONNECT -> {
                args.add("-C");
                args.addAll(List.of("-f", script(workDir, "select_1.sql", SELECT_1_SCRIPT)));
            }
            case SELECT_1 -> args.addAll(List.of("-f", script(workDir, "select_1.sql", SELECT_1_SCRIPT)));
            case INSERT -> args.addAll(List.of("-f", script(workDir, "insert.sql", INSERT_SCRIPT)));
            case INSERT_MULTI -> args.addAll(List.of("-f", script(workDir, "insert_multi.sql",
                    multiRowInsertScript(multiRowInsertRows))));
            case TPCB, SUSTAINED -> { }
            case COPY, BULK_LOAD, POOL_SCALING, SUSTAINED_VS_PEAK ->
                    throw new IllegalArgumentException(step.kind() + " is not a pgbench step");
        }
        Instant began = Instant.now();
        Outcome outcome = run(target, database, args, workDir, line -> PgbenchOutput.progress(line).ifPresent(progress),
                stop, deadline);
        double elapsed = Duration.between(began, Instant.now()).toMillis() / 1000.0;
        if (!outcome.result().ok()) {
            return Optional.of(StepMeasurement.ended(outcome.result()));
        }
        double[] latencies = step.kind() == BenchmarkSuite.Kind.CONNECT
                ? PgbenchOutput.cycleMs(workDir, step.name()) : PgbenchOutput.latenciesMs(workDir, step.name());
        if (latencies.length == 0) {
            return Optional.empty();
        }
        Map<String, Double> metrics = StepMeasurement.ofTransactions(step.kind(),
                outcome.tps().orElse(latencies.length / (double) seconds), latencies, multiRowInsertRows);
        return Optional.of(StepMeasurement.measured(Math.min(elapsed, seconds), metrics));
    }

    private static String script(Path workDir, String name, String text) throws IOException {
        Path script = workDir.resolve(name);
        Files.writeString(script, text);
        return script.toString();
    }

    private Outcome run(BenchmarkTarget target, String database, List<String> args, Path workDir,
                        Consumer<String> lines, BooleanSupplier stop, Instant deadline) throws IOException {
        Path pgbench = tools.require("pgbench");
        List<String> command = new ArrayList<>();
        command.add(pgbench.toString());
        command.addAll(args);
        command.addAll(List.of("-h", target.url().host(), "-p", Integer.toString(target.url().port())));
        target.username().ifPresent(u -> command.addAll(List.of("-U", u)));
        command.add(database);
        double[] tps = {Double.NaN};
        ToolProcess process = new ToolProcess(command, target.pgbenchEnvironment(), Optional.empty(), workDir);
        ToolProcess.Result result = process.run(line -> {
            PgbenchOutput.tps(line).ifPresent(v -> tps[0] = v);
            lines.accept(line);
        }, stop, deadline);
        return new Outcome(result, Double.isNaN(tps[0]) ? OptionalDouble.empty() : OptionalDouble.of(tps[0]));
    }
}
