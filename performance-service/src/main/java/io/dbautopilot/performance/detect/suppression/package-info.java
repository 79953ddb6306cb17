/** What holds back publication of anomalies: silences, maintenance windows and operations running on the target. */
package io.dbautopilot.performance.detect.suppression;
