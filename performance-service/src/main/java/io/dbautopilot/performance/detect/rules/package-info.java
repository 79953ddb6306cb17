/** Threshold rules: the rules file, its validation and reloading, and their evaluation over a target's current points. */
package io.dbautopilot.performance.detect.rules;
