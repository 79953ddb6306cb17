package io.dbautopilot.performance.detect.lifecycle;

import io.dbautopilot.model.AnomalyEvent;

import java.util.List;

/**
 * CDI event fired (synchronously, on the detecting thread, after the commit) by {@link AnomalyStore#apply} with the
 * lifecycle events it wrote to the outbox, for in-process listeners such as the dashboard's push channel; observe it
 * with {@code @Observes AnomaliesApplied} and never block (the caller is a detection cycle).
 *
 * @param targetId the target
 * @param events   the published state changes, in sequence order
 */
public record AnomaliesApplied(String targetId, List<AnomalyEvent> events) {
}
