package io.dbautopilot.performance.engine;

import io.dbautopilot.model.Engine;
import io.dbautopilot.performance.collect.CycleResult;
import io.dbautopilot.performance.collect.TargetRuntime;
import io.dbautopilot.performance.collect.TargetsConfig;
import io.smallrye.mutiny.Uni;

import java.util.Set;

/** The collection capability of one or more engines: a cycle of a target into a snapshot, with the engine's metric names. */
public interface EngineCollector {

    /** The engines this collector serves. */
    Set<Engine> engines();

    /** Names of its families (for {@code disabled_families} and {@code family_intervals}), the host family included. */
    Set<String> familyNames();

    /**
     * Fails with an {@link IllegalArgumentException} naming the setting when this target cannot be collected by this
     * engine (a URL of another engine, a bad URL parameter), so it is said once, not every cycle.
     */
    void validate(String targetId, TargetsConfig.Target target);

    /** One collection cycle; never fails: an unreachable server or a failing family is reported inside the snapshot. */
    Uni<CycleResult> collect(TargetRuntime target);

    /**
     * {@code ?check=true} of a registration: connects once and asks the server version. Blocking: call it on a worker
     * thread; never throws.
     */
    ServerCheck check(String targetId, TargetsConfig.Target target);

    /**
     * Why a registration's URL cannot be watched by this engine although it is well-formed (e.g. a SQLite file that
     * does not exist here): a 400 naming {@code url}. Empty by default (servers are checked with {@code ?check=true}).
     */
    default java.util.Optional<String> urlProblem(io.dbautopilot.support.url.DatabaseUrl url) {
        return java.util.Optional.empty();
    }

    /**
     * The metric saying whether the last cycle reached the server ({@code pg_up}, {@code mysql_up}).
     */
    String upMetric();
}
