package io.dbautopilot.automation.report;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationStore;
import io.dbautopilot.automation.state.StateTransactions;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.support.access.Roles;
import io.dbautopilot.support.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code GET /api/targets/{id}/autopilot-report}: what would have run on a target over a period, and why. */
@Path("/api/targets/{id}/autopilot-report")
@Produces(MediaType.APPLICATION_JSON)
@RolesAllowed(Roles.VIEWER)
public class AutopilotReportResource {

    private static final Pattern ID = Pattern.compile(TargetDefinition.ID_PATTERN);
    private static final int LIMIT = 1000;
    private static final Duration DEFAULT_PERIOD = Duration.ofDays(7);

    private final StateTransactions transactions;
    private final OperationStore store;
    private final ManagedDatabases databases;

    public AutopilotReportResource(StateTransactions transactions, OperationStore store, ManagedDatabases databases) {
        this.transactions = transactions;
        this.store = store;
        this.databases = databases;
    }

    @GET
    @org.eclipse.microprofile.openapi.annotations.Operation(summary = "Autopilot report of a target",
            description = "The decisions recorded as would_run (trust observe) in [from, to): counts per rule and type "
                    + "and the list (oldest first, at most 1000) with the reason and the exact statement. from and to "
                    + "are ISO-8601 instants; default: the last 7 days.")
    public AutopilotReport report(@PathParam("id") String id, @QueryParam("from") String from,
                                  @QueryParam("to") String to) {
        if (!ID.matcher(id).matches()) {
            throw ProblemException.badRequest("path parameter 'id' is not a target id (" + TargetDefinition.ID_PATTERN + ")");
        }
        Instant end = to == null ? Instant.now() : instant(to, "to");
        Instant start = from == null ? end.minus(DEFAULT_PERIOD) : instant(from, "from");
        if (!start.isBefore(end)) {
            throw ProblemException.badRequest("query parameter 'from' (" + start + ") must be before 'to' (" + end + ")");
        }
        AutopilotReport report = transactions.inTransaction(tx -> {
            Map<String, Long> byRule = store.wouldRunCounts(tx, id, start, end, true);
            Map<String, Long> byType = store.wouldRunCounts(tx, id, start, end, false);
            long total = byType.values().stream().mapToLong(Long::longValue).sum();
            List<AutopilotReport.Decision> decisions = store.wouldRun(tx, id, start, end, LIMIT).stream()
                    .map(AutopilotReportResource::decision).toList();
            return new AutopilotReport(id, databases.exists(id) ? databases.trust(id).wire() : null, start, end, total,
                    byRule, byType, total > decisions.size(), decisions);
        });
        if (report.total() == 0 && "unknown target".equals(databases.notManaged(id).orElse(""))) {
            throw ProblemException.notFound("no target '" + id + "' (not managed, and nothing recorded for it in the period)");
        }
        return report;
    }

    private static AutopilotReport.Decision decision(Operation op) {
        Map<String, Object> result = op.result() == null ? Map.of() : op.result();
        return new AutopilotReport.Decision(op.id(), op.requestedAt(), op.type().wire(), op.object(), op.rule(),
                op.severity(), op.mode(), op.triggeringEventId(), op.reason(),
                result.get("statement") == null ? null : String.valueOf(result.get("statement")));
    }

    private static Instant instant(String text, String name) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest("query parameter '" + name + "' is not an ISO-8601 instant "
                    + "(e.g. 2026-01-31T00:00:00Z)");
        }
    }
}
