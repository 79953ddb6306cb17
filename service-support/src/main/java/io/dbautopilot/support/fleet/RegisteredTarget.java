package io.dbautopilot.support.fleet;

import io.dbautopilot.model.TargetDefinition;

/**
 * A target as the registry holds it: its definition and where it sits on the registry topic (the partition decides
 * which performance-service instance collects it).
 *
 * @param definition the definition, never null
 * @param partition  partition of {@code autopilot.targets.v1} the target's key hashes to
 * @param offset     offset of the record that defined it
 */
public record RegisteredTarget(TargetDefinition definition, int partition, long offset) {

    /** The target id. */
    public String id() {
        return definition.id();
    }
}
