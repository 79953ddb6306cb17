/** Anomaly detection: after each collection cycle, runs rules and detectors, steps the lifecycle, suppresses. */
package io.dbautopilot.performance.detect;
