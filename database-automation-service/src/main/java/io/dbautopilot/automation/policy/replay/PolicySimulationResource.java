package io.dbautopilot.automation.policy.replay;

import io.dbautopilot.automation.policy.Policy;
import io.dbautopilot.automation.policy.PolicyDecider;
import io.dbautopilot.automation.policy.PolicyException;
import io.dbautopilot.automation.policy.PolicyParser;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.support.access.Roles;
import io.dbautopilot.support.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/** {@code POST /api/policies/simulate}: replays a candidate policy (or the current one) over a past period. */
@Path("/api/policies/simulate")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.OPERATOR)
public class PolicySimulationResource {

    /** The value of {@code policy} that replays the policy in force. */
    public static final String CURRENT = "current";

    private static final Pattern ID = Pattern.compile(TargetDefinition.ID_PATTERN);
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,6})([mhd])");
    private static final int MAX_POLICY_CHARS = 256 * 1024;
    private static final Duration DEFAULT_PERIOD = Duration.ofDays(7);
    private static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    /**
     * Body of a simulation.
     *
     * @param policy the policy YAML text, or {@code "current"} for the policy in force
     * @param from   start of the period (ISO-8601 instant); with {@code to}
     * @param to     end of the period (ISO-8601 instant; default now)
     * @param since  instead of {@code from}: how far back from now ({@code 24h}, {@code 7d}, {@code PT90M})
     * @param target only this target's events (default: every target)
     */
    public record SimulationRequest(String policy, String from, String to, String since, String target) {
    }

    private final PolicyReplay replay;
    private final PolicyDecider decider;

    public PolicySimulationResource(PolicyReplay replay, PolicyDecider decider) {
        this.replay = replay;
        this.decider = decider;
    }

    @POST
    @Operation(summary = "Replay a policy over a past period",
            description = "Body: {\"policy\": policy YAML text or \"current\", \"from\"/\"to\" (ISO-8601 instants) or "
                    + "\"since\" (e.g. 24h, 7d), \"target\" (optional)}. Runs the recorded anomalies and "
                    + "recommendations of the period through the real policy decider and returns, per target and "
                    + "rule, the decision, operation type, mode and counts, and the events whose decision differs "
                    + "from what actually happened. Nothing is executed or recorded. A policy that does not parse "
                    + "is a 400 naming the rule and field (or YAML line).")
    public PolicySimulation simulate(SimulationRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("request body is required: {\"policy\": YAML text or \"current\", "
                    + "\"from\"/\"to\" or \"since\"}");
        }
        Policy policy = policy(request.policy());
        Instant end = request.to() == null ? Instant.now() : instant(request.to(), "to");
        Instant start;
        if (request.since() != null) {
            if (request.from() != null) {
                throw ProblemException.badRequest("fields 'from' and 'since' cannot be combined (give one)");
            }
            start = end.minus(since(request.since()));
        } else {
            start = request.from() == null ? end.minus(DEFAULT_PERIOD) : instant(request.from(), "from");
        }
        if (!start.isBefore(end)) {
            throw ProblemException.badRequest("field 'from' (" + start + ") must be before 'to' (" + end + ")");
        }
        String target = request.target();
        if (target != null && !ID.matcher(target).matches()) {
            throw ProblemException.badRequest("field 'target' is not a target id (" + TargetDefinition.ID_PATTERN + ")");
        }
        String label = policy == decider.policy() ? CURRENT + ": " + policy.source() : "candidate";
        return replay.replay(policy, label, start, end, target);
    }

    private Policy policy(String text) {
        if (text == null || text.isBlank()) {
            throw ProblemException.badRequest("field 'policy' is required: the policy YAML text, or \"current\"");
        }
        if (CURRENT.equals(text.strip())) {
            return decider.policy();
        }
        if (text.length() > MAX_POLICY_CHARS) {
            throw ProblemException.badRequest("field 'policy' is longer than " + MAX_POLICY_CHARS + " characters");
        }
        try {
            return PolicyParser.parse(text, "candidate");
        } catch (PolicyException e) {
            throw ProblemException.badRequest("field 'policy': " + e.getMessage());
        }
    }

    private static Duration since(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        var m = SHORT_DURATION.matcher(t);
        Duration d = null;
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        } else {
            try {
                d = Duration.parse(text.strip());
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        if (d == null || d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(3660)) > 0) {
            throw ProblemException.badRequest("field 'since' is not a positive duration of at most 10 years "
                    + "(e.g. 90m, 24h, 7d, PT36H)");
        }
        return d;
    }

    private static Instant instant(String text, String name) {
        Instant parsed;
        try {
            parsed = Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest("field '" + name + "' is not an ISO-8601 instant (e.g. 2026-01-31T00:00:00Z)");
        }
        if (parsed.isBefore(EARLIEST) || parsed.isAfter(LATEST)) {
            throw ProblemException.badRequest("field '" + name + "' must lie between " + EARLIEST + " and " + LATEST);
        }
        return parsed;
    }
}
