package io.dbautopilot.performance.detect;

import io.dbautopilot.performance.detect.rules.Rule;
import io.dbautopilot.performance.detect.rules.RuleEvaluator;

/**
 * What a statistical or forecast detector saw for one of its series kinds in one cycle, shaped like a rule's result
 * so that the same {@link io.dbautopilot.performance.detect.lifecycle.AnomalyLifecycle} (for, hysteresis, cooldown,
 * fingerprint) decides the anomalies.
 *
 * @param rule       the detector as a rule: name, thresholds on its score, resolve bound, for, cooldown, action
 * @param evaluation the observations, one per object
 */
public record Finding(Rule rule, RuleEvaluator.Evaluation evaluation) {
}
