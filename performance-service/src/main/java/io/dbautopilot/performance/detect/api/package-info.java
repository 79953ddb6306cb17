/** The REST API of detection: anomalies, silences and maintenance windows. */
package io.dbautopilot.performance.detect.api;
