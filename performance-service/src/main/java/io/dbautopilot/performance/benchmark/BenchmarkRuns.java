package io.dbautopilot.performance.benchmark;

import io.dbautopilot.model.BenchmarkEvent;
import io.dbautopilot.model.Engine;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.performance.fleet.Ownership;
import io.dbautopilot.support.fleet.RegisteredTarget;
import io.dbautopilot.support.fleet.TargetStore;
import io.dbautopilot.support.problem.ProblemException;
import io.dbautopilot.support.tool.ToolProcess;
import io.dbautopilot.support.url.DatabaseUrl;
import io.quarkus.arc.All;
import io.quarkus.runtime.configuration.DurationConverter;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * Starts, runs and cancels benchmark runs: checks the target's {@value #LABEL}={@value #ALLOWED} label before anything
 * touches it, then on a thread of its own, through the {@link BenchmarkEngine} of the target's engine, creates the
 * scratch database, loads its initial data, measures the suite's steps, drops the scratch database whatever happens
 * (success, failure, cancel, time limit), compares the result with the baseline, records it with its completion event,
 * raises or resolves the regression anomaly and tells the live stream.
 */
@ApplicationScoped
public class BenchmarkRuns {

    /** The label a target needs for benchmarks to run on it, and its value. */
    public static final String LABEL = "benchmark";
    /** The value of {@link #LABEL} that allows benchmarks. */
    public static final String ALLOWED = "allowed";

    private static final Logger LOG = Logger.getLogger(BenchmarkRuns.class);
    private static final Duration HEARTBEAT = Duration.ofSeconds(10);
    private static final Duration CANCEL_POLL = Duration.ofSeconds(1);
    /** Metric of a step measured a second time because its first measurement looked regressed (value 1). */
    static final String REMEASURED = "remeasured";

    private final TargetStore targets;
    private final Ownership ownership;
    private final BenchmarkConfig config;
    private final BenchmarkStore store;
    private final List<BenchmarkEngine> engines;
    private final BenchmarkComparator comparator;
    private final BenchmarkAnomalies anomalies;
    private final BenchmarkFeed feed;
    private final Map<UUID, AtomicBoolean> cancels = new ConcurrentHashMap<>();
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "benchmark-run");
        t.setDaemon(true);
        return t;
    });

    public BenchmarkRuns(TargetStore targets, Ownership ownership, BenchmarkConfig config, BenchmarkStore store,
                         @All List<BenchmarkEngine> engines, BenchmarkComparator comparator,
                         BenchmarkAnomalies anomalies, BenchmarkFeed feed) {
        this.targets = targets;
        this.ownership = ownership;
        this.config = config;
        this.store = store;
        this.engines = engines;
        this.comparator = comparator;
        this.anomalies = anomalies;
        this.feed = feed;
    }

    /**
     * Starts a run of the target and returns it (running). Answers with a problem, before any connection to the
     * target: 404 unknown target, 409 without the label / an engine without benchmarks / credentials not resolvable
     * here / a run already running, 400 a bad request, 503 the engine's tool (pgbench) not installed.
     */
    public BenchmarkRun start(String targetId, BenchmarkRequest request, String caller) {
        TargetDefinition definition = targets.get(targetId).map(RegisteredTarget::definition)
                .orElseThrow(() -> ProblemException.notFound("no target '" + targetId + "' in the registry"));
        if (!ALLOWED.equals(definition.labels().get(LABEL))) {
            throw ProblemException.conflict("target '" + targetId + "' is not labelled " + LABEL + "=" + ALLOWED
                    + ": a benchmark creates a scratch database on it and loads the server, so it runs only on targets "
                    + "labelled so (PUT /api/targets/" + targetId + " with \"labels\": {\"" + LABEL + "\": \"" + ALLOWED
                    + "\"}); nothing was connected to");
        }
        BenchmarkEngine engine = engineOf(targetId, definition.engine());
        Duration step = stepDuration(request.stepDuration());
        Duration timeout = timeout(request.timeout());
        if (request.baselineRunId() != null
                && store.baselineFor(targetId, engine.suite(), request.baselineRunId(), request.baselineRunId()).isEmpty()) {
            throw ProblemException.badRequest("baseline_run_id " + request.baselineRunId()
                    + " is not a succeeded benchmark run of target '" + targetId + "'");
        }
        engine.missing().ifPresent(problem -> {
            throw new ProblemException(503, "Service Unavailable", problem);
        });
        BenchmarkTarget target = resolve(targets.get(targetId).orElseThrow(), definition);
        List<BenchmarkStore.Abandoned> abandoned = store.abandon(targetId, config.staleAfter());
        UUID id = UUID.randomUUID();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        BenchmarkRun run = new BenchmarkRun(id, targetId, engine.suite(), BenchmarkRun.RUNNING, caller,
                step.toMillis(), ScratchDatabase.nameOf(id), null, 0, false, false, request.baselineRunId(), null, false,
                List.of(), List.of(), null, now, now, null);
        if (!store.insert(run)) {
            String running = store.list(targetId, 5).stream().filter(r -> !r.ended()).map(r -> r.id().toString())
                    .findFirst().orElse("?");
            throw ProblemException.conflict("a benchmark of target '" + targetId + "' is already running (run "
                    + running + "); DELETE /api/targets/" + targetId + "/benchmarks/" + running + " cancels it");
        }
        AtomicBoolean cancel = new AtomicBoolean();
        cancels.put(id, cancel);
        LOG.infof("Benchmark %s of target %s started by %s (steps of %s)", id, targetId, caller, step);
        executor.execute(() -> execute(engine, run, timeout, target, abandoned, cancel));
        return run;
    }

    /** Asks a running run to stop (pgbench is killed, the scratch database dropped); false when it is not running. */
    public boolean cancel(UUID id) {
        boolean asked = store.requestCancel(id);
        Optional.ofNullable(cancels.get(id)).ifPresent(c -> c.set(true));
        return asked;
    }

    @PreDestroy
    void shutdown() {
        cancels.values().forEach(c -> c.set(true));
        executor.shutdown();
        try {
            executor.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The benchmark engine of a target's engine; a 409 naming the engine and the engines benchmarks run on if none. */
    private BenchmarkEngine engineOf(String targetId, Engine engine) {
        return engines.stream().filter(e -> engine != null && e.engines().contains(engine)).findFirst()
                .orElseThrow(() -> ProblemException.conflict("target '" + targetId + "' is "
                        + (engine == null ? "of no engine" : "a " + engine.wire() + " target")
                        + "; benchmarks run on " + engines.stream().flatMap(e -> e.engines().stream())
                        .map(Engine::wire).sorted().collect(java.util.stream.Collectors.joining(" and "))
                        + " targets only (nothing was connected to)"));
    }

    private Duration stepDuration(String text) {
        return duration("step_duration", text, config.stepDuration(), config.maxStepDuration(),
                "autopilot.benchmark.max-step-duration");
    }

    private Duration timeout(String text) {
        return duration("timeout", text, config.timeout(), config.timeout(), "autopilot.benchmark.timeout");
    }

    /** A duration field of the request between 1 s and {@code max}; {@code fallback} when absent. */
    private static Duration duration(String field, String text, Duration fallback, Duration max, String maxSetting) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        Duration d;
        try {
            d = DurationConverter.parseDuration(text.trim());
        } catch (RuntimeException e) {
            throw ProblemException.badRequest(field + ": '" + text + "' is not a duration (e.g. 10s, 2m, PT30S)");
        }
        if (d.compareTo(Duration.ofSeconds(1)) < 0 || d.compareTo(max) > 0) {
            throw ProblemException.badRequest(field + " must be between 1s and " + max + " (" + maxSetting
                    + ") but was " + text);
        }
        return d;
    }

    private BenchmarkTarget resolve(RegisteredTarget registered, TargetDefinition definition) {
        DatabaseUrl url;
        try {
            url = DatabaseUrl.parse(definition.url());
        } catch (RuntimeException e) {
            throw ProblemException.conflict("target '" + definition.id() + "': url: " + e.getMessage());
        }
        Optional<String> password;
        try {
            password = ownership.password(registered);
        } catch (IllegalArgumentException e) {
            throw ProblemException.conflict("target '" + definition.id() + "': " + e.getMessage());
        }
        return new BenchmarkTarget(definition.id(), url, Optional.ofNullable(definition.username()), password);
    }

    /** How a run stopped early. */
    private static final class Ended extends Exception {
        final String status;

        Ended(String status, String message) {
            super(message);
            this.status = status;
        }
    }

    private void execute(BenchmarkEngine engine, BenchmarkRun run, Duration timeout, BenchmarkTarget target,
                         List<BenchmarkStore.Abandoned> abandoned, AtomicBoolean cancel) {
        Instant deadline = run.startedAt().plus(timeout);
        String timedOut = "timed out after " + timeout + " (the run's time budget: the request's timeout, else "
                + "autopilot.benchmark.timeout)";
        Watch watch = new Watch(run.id(), cancel);
        Duration stepDuration = Duration.ofMillis(run.stepDurationMs());
        List<BenchmarkEvent.Step> measured = new ArrayList<>();
        String status = "succeeded";
        String error = null;
        Path work = null;
        String database = run.scratchDatabase();
        try {
            for (BenchmarkStore.Abandoned a : abandoned) {
                engine.dropScratch(target, a.scratchDatabase());
            }
            work = Files.createTempDirectory("autopilot-benchmark-");
            progress(run, "create_scratch_database", 0, null, null, null);
            engine.createScratch(target, database);
            check(watch, deadline);
            ConnectionRoom room = engine.room(target, database);
            List<BenchmarkSuite.Step> suite = engine.steps(room);
            int total = (int) suite.stream().filter(s -> !s.computed()).count() + 1;
            int done = 0;
            progress(run, "initialise", 0, null, null, null);
            StepMeasurement initialised = engine.initialise(target, database, work, watch, deadline);
            if (!initialised.completed()) {
                ended(initialised.ended(), watch);
            }
            for (int i = 0; i < suite.size(); i++) {
                BenchmarkSuite.Step step = suite.get(i);
                if (step.computed()) {
                    measured.add(new BenchmarkEvent.Step(step.name(), step.category(), 0, 0,
                            computed(step, measured, room)));
                    continue;
                }
                check(watch, deadline);
                double share = ++done / (double) total;
                progress(run, step.name(), share, 0.0, null, null);
                Duration duration = step.kind() == BenchmarkSuite.Kind.SUSTAINED ? config.sustainedDuration()
                        : stepDuration;
                long seconds = Math.max(1, (duration.toMillis() + 999) / 1000);
                StepMeasurement m = engine.measure(target, database, step, duration, work,
                        p -> feed.publish(BenchmarkMessage.progress(run.id(), run.targetId(), step.name(),
                                share + Math.min(1, p.elapsedSeconds() / seconds) / total, p.elapsedSeconds(),
                                p.tps(), p.latencyMs())), watch, deadline);
                if (!m.completed()) {
                    ended(m.ended(), watch);
                }
                measured.add(new BenchmarkEvent.Step(step.name(), step.category(), step.clients(), m.durationSeconds(),
                        m.metrics()));
            }
            if (config.confirmRegressions()) {
                confirmRegressions(engine, run, target, database, suite, measured, room, work, watch, deadline);
            }
        } catch (Ended e) {
            status = e.status;
            error = e.status.equals("timed_out") ? timedOut : e.getMessage();
        } catch (Exception e) {
            status = watch.stopped() ? "cancelled" : !Instant.now().isBefore(deadline) ? "timed_out" : "failed";
            error = switch (status) {
                case "cancelled" -> "cancelled";
                case "timed_out" -> timedOut;
                default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            };
            if (status.equals("failed")) {
                LOG.warnf("Benchmark %s of target %s failed: %s", run.id(), run.targetId(), error);
            }
        } finally {
            if (!engine.dropScratch(target, database)) {
                error = (error == null ? "" : error + "; ") + "the scratch database " + database
                        + " could not be dropped: drop it by hand";
                status = status.equals("succeeded") ? "failed" : status;
            }
            deleteTree(work);
        }
        finish(run, status, error, measured);
    }

    /**
     * Measures once more every measured step that is worse than the baseline by more than a threshold, and keeps the
     * second measurement (marked {@value #REMEASURED}): a regression stands only when the step is worse twice in a row,
     * so one noisy second on a shared machine is not reported as one. The computed steps are computed again afterwards.
     */
    private void confirmRegressions(BenchmarkEngine engine, BenchmarkRun run, BenchmarkTarget target, String database,
                                    List<BenchmarkSuite.Step> suite, List<BenchmarkEvent.Step> measured,
                                    ConnectionRoom room, Path work, Watch watch, Instant deadline) throws Exception {
        Optional<BenchmarkRun> baseline = store.baselineFor(run.targetId(), run.suite(), run.requestedBaseline(), run.id());
        if (baseline.isEmpty()) {
            return;
        }
        java.util.Set<String> regressed = new java.util.HashSet<>();
        comparator.compare(baseline.get().steps(), measured).stream().filter(BenchmarkComparator.Change::regressed)
                .forEach(c -> regressed.add(c.step()));
        Duration stepDuration = Duration.ofMillis(run.stepDurationMs());
        for (int i = 0; i < suite.size(); i++) {
            BenchmarkSuite.Step step = suite.get(i);
            if (step.computed() || !regressed.contains(step.name())) {
                continue;
            }
            check(watch, deadline);
            double share = store.get(run.id()).map(BenchmarkRun::progress).orElse(0.0);
            progress(run, step.name(), share, 0.0, null, null);
            Duration duration = step.kind() == BenchmarkSuite.Kind.SUSTAINED ? config.sustainedDuration() : stepDuration;
            StepMeasurement m = engine.measure(target, database, step, duration, work,
                    p -> feed.publish(BenchmarkMessage.progress(run.id(), run.targetId(), step.name(), share,
                            p.elapsedSeconds(), p.tps(), p.latencyMs())), watch, deadline);
            if (!m.completed()) {
                ended(m.ended(), watch);
            }
            Map<String, Double> metrics = new java.util.LinkedHashMap<>(m.metrics());
            metrics.put(REMEASURED, 1.0);
            LOG.infof("Benchmark %s of target %s: step %s looked regressed, measured again", run.id(), run.targetId(),
                    step.name());
            measured.set(i, new BenchmarkEvent.Step(step.name(), step.category(), step.clients(), m.durationSeconds(),
                    metrics));
        }
        for (int i = 0; i < suite.size(); i++) {
            BenchmarkSuite.Step step = suite.get(i);
            if (step.computed()) {
                measured.set(i, new BenchmarkEvent.Step(step.name(), step.category(), 0, 0,
                        computed(step, measured, room)));
            }
        }
    }

    private void finish(BenchmarkRun run, String status, String error, List<BenchmarkEvent.Step> measured) {
        try {
            UUID baselineId = null;
            List<BenchmarkComparator.Change> changes = List.of();
            if (status.equals("succeeded")) {
                Optional<BenchmarkRun> baseline = store.baselineFor(run.targetId(), run.suite(), run.requestedBaseline(), run.id());
                if (baseline.isPresent()) {
                    baselineId = baseline.get().id();
                    changes = comparator.compare(baseline.get().steps(), measured);
                }
            }
            List<BenchmarkEvent.Regression> regressions = changes.stream().filter(BenchmarkComparator.Change::regressed)
                    .map(BenchmarkComparator.Change::asRegression).toList();
            BenchmarkEvent event = new BenchmarkEvent(run.id(), run.targetId(), status, run.suite(), run.startedAt(),
                    Instant.now().truncatedTo(ChronoUnit.MICROS), baselineId, !regressions.isEmpty(), measured,
                    regressions, error);
            store.finish(event);
            LOG.infof("Benchmark %s of target %s %s%s", run.id(), run.targetId(), status,
                    regressions.isEmpty() ? "" : " with " + regressions.size() + " regressed metric(s)");
            if (baselineId != null) {
                anomalies.record(run.targetId(), run.id(), baselineId, changes);
            }
            feed.publish(BenchmarkMessage.completed(run.id(), run.targetId(), status, !regressions.isEmpty()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "Recording the end of benchmark %s of target %s failed", run.id(), run.targetId());
        } finally {
            cancels.remove(run.id());
        }
    }

    private void progress(BenchmarkRun run, String step, double done, Double elapsed, Double tps, Double latency) {
        store.progress(run.id(), step, done);
        feed.publish(BenchmarkMessage.progress(run.id(), run.targetId(), step, done, elapsed, tps, latency));
    }

    /** The metrics of a computed step from the steps measured before it. */
    private java.util.Map<String, Double> computed(BenchmarkSuite.Step step, List<BenchmarkEvent.Step> measured,
                                                    ConnectionRoom room) {
        java.util.Map<String, Double> metrics = new java.util.LinkedHashMap<>();
        switch (step.kind()) {
            case POOL_SCALING -> {
                java.util.TreeMap<Integer, Double> tps = new java.util.TreeMap<>();
                measured.stream().filter(s -> "read_tps".equals(s.category()) && s.metrics().containsKey("tps"))
                        .forEach(s -> tps.put(s.clients(), s.metrics().get("tps")));
                metrics.put("knee_clients", (double) BenchmarkSuite.knee(tps, config.kneeGrowth()));
                metrics.put("knee_growth", config.kneeGrowth());
                metrics.put("max_clients", (double) tps.lastKey());
                metrics.put("max_connections", (double) room.maxConnections());
                metrics.put("client_limit", (double) room.limit());
                BenchmarkSuite.cappedFrom(config.poolClients(), room.limit())
                        .ifPresent(from -> metrics.put("capped_from_clients", (double) from));
            }
            case SUSTAINED_VS_PEAK -> {
                double sustained = tpsOf(measured, "sustained");
                double peak = measured.stream().filter(s -> "write_tps".equals(s.category()))
                        .max(java.util.Comparator.comparingInt(BenchmarkEvent.Step::clients))
                        .map(s -> s.metrics().get("tps")).orElseThrow();
                metrics.put("peak_tps", peak);
                metrics.put("sustained_tps", sustained);
                metrics.put("sustained_to_peak_ratio", sustained / peak);
                metrics.put("sustained_seconds", (double) config.sustainedDuration().toSeconds());
            }
            default -> throw new IllegalArgumentException(step.kind() + " is measured, not computed");
        }
        return metrics;
    }

    private static double tpsOf(List<BenchmarkEvent.Step> measured, String category) {
        return measured.stream().filter(s -> category.equals(s.category())).map(s -> s.metrics().get("tps"))
                .findFirst().orElseThrow();
    }

    private static void check(Watch watch, Instant deadline) throws Ended {
        if (watch.stopped()) {
            throw new Ended("cancelled", "cancelled");
        }
        if (!Instant.now().isBefore(deadline)) {
            throw new Ended("timed_out", "timed out");
        }
    }

    private void ended(ToolProcess.Result result, Watch watch) throws Ended {
        if (result.ok()) {
            return;
        }
        if (result.stopped() || watch.stopped()) {
            throw new Ended("cancelled", "cancelled");
        }
        if (result.timedOut()) {
            throw new Ended("timed_out", "timed out");
        }
        throw new Ended("failed", result.failure());
    }

    /** The stop signal of one run: its own flag, or a cancel recorded by any instance; also keeps its heartbeat. */
    private final class Watch implements java.util.function.BooleanSupplier {
        private final UUID id;
        private final AtomicBoolean cancel;
        private Instant lastPoll = Instant.now();
        private Instant lastBeat = Instant.now();

        Watch(UUID id, AtomicBoolean cancel) {
            this.id = id;
            this.cancel = cancel;
        }

        boolean stopped() {
            return cancel.get() || Thread.currentThread().isInterrupted();
        }

        @Override
        public boolean getAsBoolean() {
            Instant now = Instant.now();
            try {
                if (now.isAfter(lastPoll.plus(CANCEL_POLL))) {
                    lastPoll = now;
                    if (store.cancelRequested(id)) {
                        cancel.set(true);
                    }
                }
                if (now.isAfter(lastBeat.plus(HEARTBEAT))) {
                    lastBeat = now;
                    store.heartbeat(id);
                }
            } catch (RuntimeException e) {
                LOG.debugf("Benchmark %s: state database not reachable for the cancel check: %s", id, e.getMessage());
            }
            return cancel.get();
        }
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debugf("Could not delete %s: %s", dir, e.getMessage());
        }
    }
}
