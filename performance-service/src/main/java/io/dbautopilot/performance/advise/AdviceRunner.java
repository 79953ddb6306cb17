package io.dbautopilot.performance.advise;

import io.dbautopilot.model.RecommendationEvent;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.dbautopilot.performance.collect.TargetConnections;
import io.dbautopilot.performance.collect.TargetRuntime;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One advice run for one target: every advisor examines it (one failing advisor does not stop the others), then
 * the lifecycle turns the results into raised / updated / withdrawn recommendations stored with their outbox events.
 * Blocking: runs on a worker thread.
 */
@ApplicationScoped
public class AdviceRunner {

    private static final Logger LOG = Logger.getLogger(AdviceRunner.class);

    private final List<Advisor> advisors;
    private final TargetSessions sessions;
    private final LatestSnapshots latest;
    private final TargetConnections connections;
    private final RecommendationStore store;
    private final Map<String, Map<String, String>> lastProblems = new ConcurrentHashMap<>();

    public AdviceRunner(@All List<Advisor> advisors, TargetSessions sessions, LatestSnapshots latest,
                        TargetConnections connections, RecommendationStore store) {
        this.advisors = advisors;
        this.sessions = sessions;
        this.latest = latest;
        this.connections = connections;
        this.store = store;
    }

    /** Runs every advisor on the target and applies the outcome; returns the events written to the outbox. */
    public List<RecommendationEvent> run(TargetRuntime runtime) {
        io.dbautopilot.model.Engine engine = io.dbautopilot.performance.engine.Engines.of(runtime.config());
        List<Advisor> mine = advisors.stream().filter(a -> a.engines().contains(engine)).toList();
        if (mine.isEmpty()) {
            return List.of(); // the engine has no advisors (the API reports advice as unavailable)
        }
        AdviceTarget target = new AdviceTarget(runtime, sessions, latest.current(runtime.id()),
                connections.mainDatabase(runtime.id()));
        Map<String, AdvisorResult> results = new LinkedHashMap<>();
        Map<String, String> problems = new LinkedHashMap<>();
        for (Advisor advisor : mine) {
            AdvisorResult result;
            try {
                result = advisor.advise(target);
            } catch (RuntimeException e) {
                LOG.warnf(e, "Advisor %s failed on target %s", advisor.name(), runtime.id());
                result = new AdvisorResult().problem(null, "advisor failed: " + e);
            }
            results.put(advisor.name(), result);
            result.problems().forEach((scope, reason) -> problems.put(advisor.name()
                    + (scope.isEmpty() ? "" : "[" + scope + "]"), reason));
        }
        Map<String, String> before = lastProblems.put(runtime.id(), problems);
        if (!problems.equals(before) && !problems.isEmpty()) {
            problems.forEach((where, reason) -> LOG.infof("Target %s: %s not examined: %s", runtime.id(), where, reason));
        }
        Map<String, RecommendationLifecycle.Stored> stored = store.ofTarget(runtime.id());
        List<RecommendationLifecycle.Change> changes = RecommendationLifecycle.changes(stored, results);
        List<RecommendationEvent> events = store.apply(runtime.id(), stored, changes, Instant.now());
        events.forEach(e -> LOG.infof("Recommendation %s %s: %s%s", e.state().wire(), e.recommendationId(), e.summary(),
                e.estimatedBenefit() == null ? "" : " (" + e.estimatedBenefit() + ")"));
        return events;
    }

    /** Forgets what it noted about a target this instance gave up. */
    void onReleased(@jakarta.enterprise.event.Observes io.dbautopilot.performance.collect.TargetRegistry.Released released) {
        lastProblems.remove(released.id());
    }

    /** Why scopes of the target's last run could not be examined (advisor[scope] → reason). */
    public Map<String, String> problems(String targetId) {
        return lastProblems.getOrDefault(targetId, Map.of());
    }
}
