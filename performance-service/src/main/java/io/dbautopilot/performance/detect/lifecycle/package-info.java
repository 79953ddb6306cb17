/** The anomaly lifecycle: state changes (pending, open, escalated, resolved), their storage and outbox relay. */
package io.dbautopilot.performance.detect.lifecycle;
