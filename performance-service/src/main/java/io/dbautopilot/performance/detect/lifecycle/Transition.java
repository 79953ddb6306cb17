package io.dbautopilot.performance.detect.lifecycle;

import io.dbautopilot.model.AnomalyState;

/**
 * A change the lifecycle decided: the new record, the event to publish (null for silent changes such as a
 * pending breach) and whether the row goes away (a pending breach that cleared before it ever opened).
 *
 * @param record  the anomaly after the change
 * @param publish the state change to publish, or null
 * @param delete  whether to delete the row instead of writing it
 */
public record Transition(AnomalyRecord record, AnomalyState publish, boolean delete) {
}
