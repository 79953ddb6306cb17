/** The statistical detector: robust z-scores of fresh readings against seasonal baselines of persisted histories. */
package io.dbautopilot.performance.detect.statistical;
