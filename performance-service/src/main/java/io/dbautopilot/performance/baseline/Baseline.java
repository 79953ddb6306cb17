package io.dbautopilot.performance.baseline;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.Map;

/**
 * A named capture of a target's key figures.
 *
 * @param target     target id
 * @param name       name given at capture (unique per target)
 * @param capturedAt when it was captured
 * @param snapshotAt start of the collection cycle the figures come from
 * @param capturedBy who captured it
 * @param comment    why (optional)
 * @param figures    figure name to value ({@link Figure}); figures never known before capture are absent
 * @param figuresAt  figure name to when its value was last known (start of the latest collection cycle whose current
 *                   values held it): older than {@code snapshotAt} when the latest cycle had no value for it and its
 *                   last known value was taken; empty for baselines captured before this was recorded
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Baseline(String target, String name, Instant capturedAt, Instant snapshotAt, String capturedBy,
                       String comment, Map<String, Double> figures, Map<String, Instant> figuresAt) {
}
