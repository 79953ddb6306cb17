package io.dbautopilot.performance.detect.suppression;

import io.dbautopilot.performance.detect.lifecycle.AnomalyRecord;

/**
 * Something that, while it applies, holds back the publication of the anomalies it matches: a silence, an active
 * maintenance window, a running operation that predictably causes them.
 */
public interface Suppressor {

    /** What is recorded in the anomaly's {@code silenced_by}. */
    String suppressorId();

    /** Whether it holds back this anomaly. */
    boolean matches(AnomalyRecord anomaly);
}
