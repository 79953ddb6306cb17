package io.dbautopilot.performance.detect.lifecycle;

import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.detect.DetectionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Escalates an open, published anomaly one severity level (up to emergency) each time it stays unacknowledged for
 * {@code autopilot.detection.escalate-unacknowledged-after}, counted from its opening or its last such escalation.
 */
@ApplicationScoped
public class UnacknowledgedEscalation {

    private static final String NOTE = "; escalated: unacknowledged for ";

    private final Optional<Duration> after;

    @Inject
    public UnacknowledgedEscalation(DetectionConfig config) {
        this(config.escalateUnacknowledgedAfter());
    }

    /** With an explicit period (empty = never). */
    public UnacknowledgedEscalation(Optional<Duration> after) {
        after.filter(d -> d.isNegative() || d.isZero()).ifPresent(d -> {
            throw new IllegalStateException("autopilot.detection.escalate-unacknowledged-after must be positive, was " + d);
        });
        this.after = after;
    }

    /**
     * The escalations due at {@code now} among the stored anomalies this cycle did not already change.
     *
     * @param stored  the target's anomalies by rule and fingerprint
     * @param changes this cycle's changes so far
     */
    public List<Transition> step(Map<String, Map<String, AnomalyRecord>> stored, List<Transition> changes, Instant now) {
        List<Transition> out = new ArrayList<>();
        if (after.isEmpty()) {
            return out;
        }
        Set<String> changed = new HashSet<>();
        changes.forEach(t -> changed.add(t.record().fingerprint()));
        for (Map<String, AnomalyRecord> rule : stored.values()) {
            for (AnomalyRecord r : rule.values()) {
                if (r.status() != AnomalyStatus.OPEN || r.acknowledgedAt() != null || r.silencedBy() != null
                        || r.openedAt() == null || r.severity() == Severity.EMERGENCY || changed.contains(r.fingerprint())) {
                    continue;
                }
                Instant since = r.escalatedAt() != null && r.escalatedAt().isAfter(r.openedAt()) ? r.escalatedAt() : r.openedAt();
                if (now.isBefore(since.plus(after.get()))) {
                    continue;
                }
                Severity next = Severity.values()[r.severity().ordinal() + 1];
                String base = r.summary() == null ? "" : r.summary();
                int cut = base.indexOf(NOTE);
                if (cut >= 0) {
                    base = base.substring(0, cut);
                }
                String text = base + NOTE + human(Duration.between(r.openedAt(), now)) + " (now " + next.wire() + ")";
                out.add(new Transition(r.escalatedUnacknowledged(next, text, now), AnomalyState.ESCALATED, false));
            }
        }
        return out;
    }

    private static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
    }
}
