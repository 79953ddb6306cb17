package io.dbautopilot.performance.benchmark;

import io.dbautopilot.model.Engine;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * How benchmarks run on some engines: the scratch database's creation and drop, the suite's steps for the server's
 * room, the initial data and each measured step. {@link BenchmarkRuns} does everything else (label, one run per
 * target, time budget, cancel, progress, comparison, events) the same way for every engine.
 */
public interface BenchmarkEngine {

    /** The engines it serves. */
    Set<Engine> engines();

    /** Name and version of its suite, carried by every run and event. */
    String suite();

    /** Why it cannot run on this instance (a missing tool, with what to install), if it cannot. */
    Optional<String> missing();

    /** Creates the scratch database {@code name} (a {@link ScratchDatabase#nameOf} name) on the target's server. */
    void createScratch(BenchmarkTarget target, String name) throws Exception;

    /** Drops the scratch database if it exists, ending the sessions still in it; true when it is gone afterwards. */
    boolean dropScratch(BenchmarkTarget target, String name);

    /** The server's room for client connections, read from the scratch database. */
    ConnectionRoom room(BenchmarkTarget target, String database) throws Exception;

    /** The suite's steps, in order, with client counts capped to {@code room}. */
    List<BenchmarkSuite.Step> steps(ConnectionRoom room);

    /** Loads the scratch database's initial data; a measurement with its metrics empty, or how it ended early. */
    StepMeasurement initialise(BenchmarkTarget target, String database, Path workDir, BooleanSupplier stop,
                               Instant deadline) throws Exception;

    /**
     * Measures one step for {@code duration}, telling {@code progress} about each second; throws (or returns how it
     * ended) when stopped or past the deadline.
     */
    StepMeasurement measure(BenchmarkTarget target, String database, BenchmarkSuite.Step step, Duration duration,
                            Path workDir, Consumer<PgbenchOutput.Progress> progress, BooleanSupplier stop,
                            Instant deadline) throws Exception;
}
