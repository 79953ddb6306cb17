package io.dbautopilot.performance.advise;

import io.dbautopilot.model.Risk;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One piece of advice as an advisor derives it: what, where, the numbers behind it, and what to do.
 *
 * @param advisor          name of the advisor that derived it (withdrawals are decided per advisor and database)
 * @param targetId         configured target id
 * @param database         database inside the target; null when cluster-wide
 * @param object           affected object as {@code database.schema.name} (tables, indexes) or a setting name
 * @param kind             kind, e.g. {@code missing_index}; what the automation service's policy matches on
 * @param discriminator    extra identity when one object can carry several findings of a kind (index columns); may be empty
 * @param evidence         the measurements behind it
 * @param suggestedAction  the SQL statement or setting to apply
 * @param estimatedBenefit human-readable gain
 * @param risk             risk of applying it on a live database
 * @param requiresApproval whether applying it needs an explicit approval
 * @param summary          one sentence
 */
public record Finding(String advisor, String targetId, String database, String object, String kind,
                      String discriminator, Map<String, Object> evidence, String suggestedAction,
                      String estimatedBenefit, Risk risk, boolean requiresApproval, String summary) {

    /** Checks the identity fields and copies the evidence (keeping its order). */
    public Finding {
        Objects.requireNonNull(advisor, "advisor");
        Objects.requireNonNull(targetId, "targetId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(risk, "risk");
        discriminator = discriminator == null ? "" : discriminator;
        evidence = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    /**
     * The stable id: kind, target, object (or database) and discriminator, so the same finding keeps its id across
     * runs and restarts.
     */
    public String id() {
        String where = object != null ? object : database != null ? database : "cluster";
        return kind + ":" + targetId + ":" + where + (discriminator.isEmpty() ? "" : ":" + discriminator);
    }

    /**
     * What makes a change worth announcing: the advice itself (action, risk, approval), not the ever-moving counters
     * of the evidence, which are refreshed in place.
     */
    public String signature() {
        return kind + "|" + object + "|" + suggestedAction + "|" + risk.wire() + "|" + requiresApproval;
    }
}
