/** The forecast detector: time to exhaustion of levels that fill up, from a least-squares fit of their history. */
package io.dbautopilot.performance.detect.forecast;
