package io.dbautopilot.performance.advise;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.model.Risk;

import java.time.Instant;
import java.util.Map;

/**
 * A stored recommendation: the latest finding under its id, and its lifecycle.
 *
 * @param id               stable id (kind + target + object [+ discriminator])
 * @param targetId         target id
 * @param advisor          advisor that derived it
 * @param database         database, null when cluster-wide
 * @param object           affected object or setting
 * @param kind             kind
 * @param status           {@code active} or {@code withdrawn}
 * @param evidence         the latest evidence (refreshed every run while active)
 * @param suggestedAction  the SQL or setting to apply
 * @param estimatedBenefit human-readable gain
 * @param risk             risk of applying it
 * @param requiresApproval whether applying it needs approval
 * @param summary          one sentence
 * @param firstSeenAt      when it was (last) raised
 * @param observedAt       when its evidence was last observed
 * @param changedAt        when its last event was published
 * @param withdrawnAt      when it was withdrawn, if it was
 * @param withdrawnReason  why it was withdrawn
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Recommendation(String id, String targetId, String advisor, String database, String object, String kind,
                             String status, Map<String, Object> evidence, String suggestedAction,
                             String estimatedBenefit, Risk risk, boolean requiresApproval, String summary,
                             Instant firstSeenAt, Instant observedAt, Instant changedAt, Instant withdrawnAt,
                             String withdrawnReason) {

    /** Status of a recommendation that holds. */
    public static final String ACTIVE = "active";
    /** Status of one that no longer holds. */
    public static final String WITHDRAWN = "withdrawn";

    /** Whether it is active. */
    public boolean active() {
        return ACTIVE.equals(status);
    }
}
