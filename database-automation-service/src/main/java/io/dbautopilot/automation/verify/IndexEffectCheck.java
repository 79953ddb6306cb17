package io.dbautopilot.automation.verify;

import io.dbautopilot.automation.operation.NewOperation;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationRequests;
import io.dbautopilot.automation.operation.OperationType;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Verifies a {@code create_index} after the window: the statements it was for must have become faster by
 * {@code min-improvement} (mean time in the window against the mean before) and the statements writing its table
 * must not have slowed by more than {@code max-write-slowdown}; otherwise the index it created is dropped.
 */
@ApplicationScoped
public class IndexEffectCheck implements EffectCheck {

    /** Value of {@code drop_trigger} for a rollback: the drop re-checks that the index is exactly the one created. */
    public static final String ROLLBACK_TRIGGER = "rollback";

    private final VerificationConfig config;

    public IndexEffectCheck(VerificationConfig config) {
        this.config = config;
    }

    @Override
    public OperationType type() {
        return OperationType.CREATE_INDEX;
    }

    @Override
    public Verdict verify(Connection target, Operation op, Map<String, Object> baseline) throws SQLException {
        Map<String, Object> measured = new LinkedHashMap<>();
        String index = String.valueOf(baseline.get("index"));
        measured.put("index", index);
        if (!(baseline.get("index_oid") instanceof Number oid)) {
            return Verdict.inconclusive("no index was recorded as created by this operation", measured);
        }
        if (!index.equals(indexName(target, oid.longValue()))) {
            return Verdict.inconclusive("index " + index + " (oid " + oid + ") is no longer there as created: "
                    + "nothing to verify or roll back", measured);
        }
        if (baseline.get("statements_unavailable") != null) {
            return Verdict.inconclusive(String.valueOf(baseline.get("statements_unavailable")), measured);
        }
        Map<String, StatementCounters.Counter> readsBefore = StatementCounters.counters(baseline.get("reads"));
        Map<String, StatementCounters.Counter> writesBefore = StatementCounters.counters(baseline.get("writes"));
        StatementCounters.Comparison reads;
        StatementCounters.Comparison writes;
        try {
            reads = StatementCounters.compare(readsBefore, StatementCounters.byQueryid(target, readsBefore.keySet()));
            writes = StatementCounters.compare(writesBefore, StatementCounters.byQueryid(target, writesBefore.keySet()));
        } catch (SQLException e) {
            String why = StatementCounters.unavailable(e);
            if (why == null) {
                throw e;
            }
            return Verdict.inconclusive(why, measured);
        }
        measured.put("reads", reads.json());
        measured.put("writes", writes.json());
        String readVerdict = judgeable(reads, readsBefore.isEmpty(), "statements it was for");
        Boolean faster = null;
        if (readVerdict == null) {
            double improvement = 1 - reads.meanAfter() / reads.meanBefore();
            measured.put("read_improvement", StatementCounters.round(improvement));
            faster = improvement >= config.minImprovement();
            readVerdict = "the statements it was for ran " + reads.callsAfter() + " times at " + ms(reads.meanAfter())
                    + " mean against " + ms(reads.meanBefore()) + " before (" + pct(-improvement) + "; "
                    + (faster ? "at least" : "less than") + " the " + pct(-config.minImprovement()) + " required)";
        }
        String writeVerdict = judgeable(writes, writesBefore.isEmpty(), "write statements on " + baseline.get("table"));
        Boolean slowed = null;
        if (writeVerdict == null) {
            double slowdown = writes.meanAfter() / writes.meanBefore() - 1;
            measured.put("write_slowdown", StatementCounters.round(slowdown));
            slowed = slowdown > config.maxWriteSlowdown();
            writeVerdict = "writes on " + baseline.get("table") + " ran " + writes.callsAfter() + " times at "
                    + ms(writes.meanAfter()) + " mean against " + ms(writes.meanBefore()) + " before (" + pct(slowdown)
                    + "; the limit is +" + Math.round(config.maxWriteSlowdown() * 100) + " %)";
        }
        String summary = readVerdict + "; " + writeVerdict;
        if (Boolean.FALSE.equals(faster) || Boolean.TRUE.equals(slowed)) {
            return new Verdict(Verdict.Outcome.REGRESSED, (Boolean.TRUE.equals(slowed) ? "writes slowed past the threshold"
                    : "the statements it was for did not speed up") + ": " + summary, measured);
        }
        if (Boolean.TRUE.equals(faster)) {
            return new Verdict(Verdict.Outcome.CONFIRMED, "the index helped: " + summary, measured);
        }
        return Verdict.inconclusive(summary, measured);
    }

    /** Why a comparison cannot be judged; null when it can. */
    private String judgeable(StatementCounters.Comparison c, boolean none, String what) {
        if (none) {
            return "no " + what + " known (nothing to compare)";
        }
        if (c.reset()) {
            return "pg_stat_statements was reset during the window: the " + what + " cannot be compared";
        }
        if (c.callsBefore() == 0) {
            return "the " + what + " never ran before the index";
        }
        if (c.callsAfter() < config.minCalls()) {
            return "the " + what + " ran " + c.callsAfter() + " times in the window (min-calls " + config.minCalls()
                    + "): not enough to judge";
        }
        if (c.meanBefore() <= 0) {
            return "the " + what + " took no measurable time before the index";
        }
        return null;
    }

    @Override
    public NewOperation rollback(Operation op, Map<String, Object> baseline, Verdict verdict, String mode) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("rollback_of", op.id().toString());
        parameters.put(OperationRequests.DROP_TRIGGER, ROLLBACK_TRIGGER);
        parameters.put("index_oid", baseline.get("index_oid"));
        return new NewOperation(op.targetId(), OperationType.DROP_INDEX, String.valueOf(baseline.get("index")), mode,
                null, null, null, "verification", parameters, "rollback of create_index " + op.id() + ": "
                + verdict.summary());
    }

    /** {@code schema.name} of the index with that oid, or null when there is none. */
    private static String indexName(Connection c, long oid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.oid = ? AND c.relkind IN ('i', 'I')""")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static String ms(double v) {
        return StatementCounters.round(v) + " ms";
    }

    private static String pct(double share) {
        long p = Math.round(share * 100);
        return (p > 0 ? "+" : "") + p + " %";
    }
}
