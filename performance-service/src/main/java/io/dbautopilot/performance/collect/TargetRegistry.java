package io.dbautopilot.performance.collect;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The configured targets, each with the state the collector keeps between its cycles. */
@ApplicationScoped
public class TargetRegistry {

    private final Map<String, TargetRuntime> targets = new TreeMap<>();

    public TargetRegistry(TargetsConfig config) {
        config.targets().forEach((id, target) -> targets.put(id, new TargetRuntime(id, target)));
    }

    /** Every target, ordered by id. */
    public Collection<TargetRuntime> all() {
        return targets.values();
    }

    /** One target by id. */
    public Optional<TargetRuntime> get(String id) {
        return Optional.ofNullable(targets.get(id));
    }
}
