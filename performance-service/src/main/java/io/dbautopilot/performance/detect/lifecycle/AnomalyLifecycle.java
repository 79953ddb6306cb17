package io.dbautopilot.performance.detect.lifecycle;

import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.detect.rules.Observation;
import io.dbautopilot.performance.detect.rules.Rule;
import io.dbautopilot.performance.detect.rules.RuleEvaluator;
import io.dbautopilot.performance.collect.TargetRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides state changes from what a rule saw and the stored state: pending until the breach held for {@code for}
 * (a duration, or N consecutive evaluations), opened, escalated when the severity rises, resolved only once the value
 * is back past the resolve bound (or the object is gone); a new breach within the cooldown after a resolve is
 * ignored. The caller persists; the only state kept here is the count of consecutive breaches of pending anomalies
 * held for N cycles (in memory: after a restart or a hand-off the count starts again, so such an anomaly opens at
 * most N evaluations late, never early).
 */
@ApplicationScoped
public class AnomalyLifecycle {

    /** Consecutive breaching evaluations of pending anomalies whose rule holds for N cycles, by target and fingerprint. */
    private final Map<String, Integer> streaks = new ConcurrentHashMap<>();

    /** Forgets the counts of a target this instance gave up. */
    void onReleased(@Observes TargetRegistry.Released released) {
        streaks.keySet().removeIf(k -> k.startsWith(released.id() + "\u0000"));
    }

    /** The stable identity of rule + target + object: 32 hex characters of a SHA-256. */
    public static String fingerprint(String rule, String targetId, String object) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((rule + "\u0000" + targetId + "\u0000" + (object == null ? "" : object))
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The changes one evaluation causes.
     *
     * @param existing this rule's stored anomalies of the target, by fingerprint
     */
    public List<Transition> step(String targetId, Rule rule, RuleEvaluator.Evaluation evaluation,
                                 Map<String, AnomalyRecord> existing, Instant now) {
        List<Transition> out = new ArrayList<>();
        if (!evaluation.known()) {
            return out;
        }
        Set<String> seen = new HashSet<>();
        for (Observation o : evaluation.observations()) {
            String fp = fingerprint(rule.name(), targetId, o.object());
            if (!seen.add(fp)) {
                continue; // two series naming the same object: the first wins
            }
            Transition t = observe(targetId, rule, o, fp, existing.get(fp), now);
            if (t != null) {
                out.add(t);
            }
        }
        for (AnomalyRecord r : existing.values()) {
            if (seen.contains(r.fingerprint()) || !r.rule().equals(rule.name())) {
                continue;
            }
            if (r.status() == AnomalyStatus.OPEN) {
                out.add(new Transition(r.with(AnomalyStatus.RESOLVED, r.severity(), null,
                        summary(rule, targetId, r.object(), r.value(), r.severity(), "no longer observed"),
                        null, r.openedAt(), now, now, false), AnomalyState.RESOLVED, false));
            } else if (r.status() == AnomalyStatus.PENDING) {
                streaks.remove(streakKey(targetId, r.fingerprint()));
                out.add(clearPending(r, now));
            }
        }
        return out;
    }

    private Transition observe(String targetId, Rule rule, Observation o, String fp, AnomalyRecord r, Instant now) {
        Severity severity = rule.severityOf(o.value());
        boolean opensNow = rule.opensAtOnce();
        String streak = streakKey(targetId, fp);
        if (r == null || r.status() == AnomalyStatus.RESOLVED) {
            if (severity == null) {
                return null;
            }
            if (r != null && r.resolvedAt() != null && now.isBefore(r.resolvedAt().plus(rule.cooldown()))) {
                return null;
            }
            AnomalyRecord base = r != null ? r : new AnomalyRecord(fp, targetId, rule.name(), o.object(),
                    AnomalyStatus.PENDING, severity, o.value(), o.evidence(), rule.action(), null, null, null, null,
                    now, null, null, null, null, null);
            String text = summary(rule, targetId, o.object(), o.value(), severity, o.detail());
            if (opensNow) {
                return new Transition(base.with(AnomalyStatus.OPEN, severity, o, text, null, now, null, now, true),
                        AnomalyState.OPENED, false);
            }
            if (rule.forCycles() > 0) {
                streaks.put(streak, 1);
            }
            return new Transition(base.with(AnomalyStatus.PENDING, severity, o, text, now, base.openedAt(),
                    base.resolvedAt(), now, false), null, false);
        }
        if (r.status() == AnomalyStatus.PENDING) {
            if (severity == null) {
                streaks.remove(streak);
                return clearPending(r, now);
            }
            String text = summary(rule, targetId, o.object(), o.value(), severity, o.detail());
            boolean held = rule.forCycles() > 0 ? streaks.merge(streak, 1, Integer::sum) >= rule.forCycles()
                    : !now.isBefore(r.pendingSince().plus(rule.forDuration()));
            if (held) {
                streaks.remove(streak);
                return new Transition(r.with(AnomalyStatus.OPEN, severity, o, text, null, now, null, now, true),
                        AnomalyState.OPENED, false);
            }
            if (severity != r.severity()) {
                return new Transition(r.with(AnomalyStatus.PENDING, severity, o, text, r.pendingSince(),
                        r.openedAt(), r.resolvedAt(), now, false), null, false);
            }
            return null;
        }
        // open
        if (rule.comparison().recovered(o.value(), rule.resolve())) {
            return new Transition(r.with(AnomalyStatus.RESOLVED, r.severity(), o,
                    summary(rule, targetId, o.object(), o.value(), r.severity(), o.detail() == null ? "resolved" : o.detail() + "; resolved"), null, r.openedAt(),
                    now, now, false), AnomalyState.RESOLVED, false);
        }
        if (severity != null && severity.compareTo(r.severity()) > 0) {
            return new Transition(r.with(AnomalyStatus.OPEN, severity, o,
                    summary(rule, targetId, o.object(), o.value(), severity, o.detail()), null, r.openedAt(), null, now,
                    false), AnomalyState.ESCALATED, false);
        }
        return null;
    }

    private static String streakKey(String targetId, String fingerprint) {
        return targetId + "\u0000" + fingerprint;
    }

    private static Transition clearPending(AnomalyRecord r, Instant now) {
        if (r.openedAt() == null) {
            return new Transition(r, null, true);
        }
        return new Transition(r.with(AnomalyStatus.RESOLVED, r.severity(), null, null, null, r.openedAt(),
                r.resolvedAt(), now, false), null, false);
    }

    static String summary(Rule rule, String targetId, String object, double value, Severity severity, String note) {
        String what = rule.description() == null ? rule.name().replace('_', ' ') : rule.description();
        String where = object == null ? targetId : targetId + "/" + object;
        Double threshold = rule.thresholds().get(severity);
        String text = String.format(Locale.ROOT, "%s on %s: %s = %.6g (%s threshold %s %.6g)", what, where,
                rule.expression(), value, severity.wire(), rule.comparison().symbol(), threshold == null ? Double.NaN : threshold);
        return note == null ? text : text + "; " + note;
    }
}
