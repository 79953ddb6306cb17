package io.dbautopilot.performance.health;

import io.dbautopilot.model.Engine;
import io.dbautopilot.performance.collect.TargetRegistry;
import io.dbautopilot.performance.collect.TargetRuntime;
import io.dbautopilot.performance.dashboard.TargetFacts;
import io.dbautopilot.performance.engine.Engines;
import io.dbautopilot.performance.fleet.Ownership;
import io.dbautopilot.performance.fleet.PartitionOwners;
import io.dbautopilot.support.fleet.RegisteredTarget;
import io.dbautopilot.support.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which targets a {@code /api/health/*} answer covers, as {@code GET /api/fleet} sees the fleet: every registered
 * target and every target collected here; those collected here come with their runtime, the others with the
 * instance that owns them (whose memory holds their current values).
 */
@ApplicationScoped
public class HealthTargets {

    /**
     * A target in scope.
     *
     * @param id          target id
     * @param engine      its engine
     * @param runtime     the collector's runtime when this instance collects it; null otherwise
     * @param owner       the instance that collects it (this one for {@code runtime != null}); null when no instance
     *                    holds its registry partition yet
     * @param unavailable why this instance owns it but does not collect it (e.g. no collector for its engine)
     */
    public record Scoped(String id, Engine engine, TargetRuntime runtime, String owner, String unavailable) {

        /** Whether this instance collects it. */
        public boolean here() {
            return runtime != null;
        }
    }

    private final TargetRegistry targets;
    private final TargetFacts facts;
    private final PartitionOwners owners;
    private final Ownership ownership;

    public HealthTargets(TargetRegistry targets, TargetFacts facts, PartitionOwners owners, Ownership ownership) {
        this.targets = targets;
        this.facts = facts;
        this.owners = owners;
        this.ownership = ownership;
    }

    /** This instance's id. */
    public String instance() {
        return facts.instance();
    }

    /**
     * The targets in scope, by id: one when {@code target} is given (404 problem naming it when no instance knows
     * it), else every one.
     */
    public List<Scoped> select(String target) {
        String wanted = target == null || target.isBlank() ? null : target;
        Map<String, RegisteredTarget> registered = facts.registered();
        Map<Integer, String> byPartition = owners.owners();
        Map<String, Scoped> all = new TreeMap<>();
        for (TargetRuntime runtime : targets.all()) {
            if (wanted == null || wanted.equals(runtime.id())) {
                all.put(runtime.id(), new Scoped(runtime.id(), Engines.of(runtime.config()), runtime, facts.instance(), null));
            }
        }
        for (RegisteredTarget r : registered.values()) {
            if (all.containsKey(r.id()) || wanted != null && !wanted.equals(r.id())) {
                continue;
            }
            boolean mine = ownership.owns(r.id());
            Engine engine = r.definition().engine() == null ? Engine.POSTGRESQL : r.definition().engine();
            all.put(r.id(), new Scoped(r.id(), engine, null, mine ? facts.instance() : byPartition.get(r.partition()),
                    mine ? ownership.unavailable(r.id()).orElse("not collected yet on this instance") : null));
        }
        if (wanted != null && all.isEmpty()) {
            throw ProblemException.notFound("no target '" + wanted + "'; registered targets: "
                    + new ArrayList<>(new java.util.TreeSet<>(union(registered))));
        }
        return List.copyOf(all.values());
    }

    private List<String> union(Map<String, RegisteredTarget> registered) {
        List<String> ids = new ArrayList<>(registered.keySet());
        targets.all().forEach(t -> ids.add(t.id()));
        return ids;
    }

    /** Why a target owned elsewhere has no current values here, for a note. */
    public static String elsewhere(Scoped t, String what) {
        if (t.unavailable() != null) {
            return t.unavailable();
        }
        return t.owner() == null ? "no instance collects this target yet (its registry partition is unassigned)"
                : "collected by instance " + t.owner() + ": " + what + " are answered there";
    }
}
