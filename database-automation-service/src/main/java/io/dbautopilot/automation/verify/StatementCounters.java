package io.dbautopilot.automation.verify;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cumulative {@code pg_stat_statements} counters (calls, total execution time) of the target's current database, by
 * queryid: of named statements, or of the INSERT/UPDATE/DELETE statements writing one table; and the comparison of
 * two readings (the mean time over the window between them).
 */
public final class StatementCounters {

    /** SQLSTATE of an undefined table: {@code pg_stat_statements} is not installed in the database. */
    private static final String UNDEFINED_TABLE = "42P01";

    private static final String BY_QUERYID = """
            SELECT queryid::text, sum(calls)::bigint, sum(total_exec_time) FROM pg_stat_statements
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND queryid = ANY(?::text[]::bigint[]) GROUP BY queryid""";

    private static final String WRITES = """
            SELECT queryid::text, min(query), sum(calls)::bigint, sum(total_exec_time) FROM pg_stat_statements
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND query ~* '^\\s*(insert|update|delete)\\s' GROUP BY queryid""";

    private static final String IDENT = "(\"(?:[^\"]|\"\")+\"|[A-Za-z_][A-Za-z0-9_$]*)";
    /** The relation an INSERT/UPDATE/DELETE writes: {@code [schema.]name}, either part quoted or not. */
    private static final Pattern WRITTEN = Pattern.compile("^\\s*(?:insert\\s+into|update(?:\\s+only)?|delete\\s+from"
            + "(?:\\s+only)?)\\s+" + IDENT + "(?:\\s*\\.\\s*" + IDENT + ")?", Pattern.CASE_INSENSITIVE);

    private StatementCounters() {
    }

    /** Calls and total execution time (ms) of one statement. */
    public record Counter(long calls, double totalMs) {

        /** As stored in a baseline. */
        Map<String, Object> json() {
            return Map.of("calls", calls, "total_exec_time_ms", totalMs);
        }

        static Counter of(Object json) {
            if (!(json instanceof Map<?, ?> m)) {
                return new Counter(0, 0);
            }
            return new Counter(m.get("calls") instanceof Number n ? n.longValue() : 0,
                    m.get("total_exec_time_ms") instanceof Number n ? n.doubleValue() : 0);
        }
    }

    /**
     * The mean time of a set of statements before (cumulative until the baseline) and within the window after it.
     *
     * @param callsBefore calls until the baseline
     * @param meanBefore  mean ms per call until the baseline, weighted by the window's mix of statements; 0 without calls
     * @param callsAfter  calls in the window
     * @param meanAfter   mean ms per call in the window; 0 without calls
     * @param reset       whether a counter went backwards ({@code pg_stat_statements_reset()}): no comparison
     */
    public record Comparison(long callsBefore, double meanBefore, long callsAfter, double meanAfter, boolean reset) {

        /** The figures, for the event. */
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("calls_before", callsBefore);
            m.put("mean_ms_before", round(meanBefore));
            m.put("calls_in_window", callsAfter);
            m.put("mean_ms_in_window", round(meanAfter));
            if (reset) {
                m.put("statistics_reset", true);
            }
            return m;
        }
    }

    /** Counters of the given queryids (missing ones: never run, or not tracked). */
    public static Map<String, Counter> byQueryid(Connection c, Collection<String> queryids) throws SQLException {
        Map<String, Counter> out = new LinkedHashMap<>();
        if (queryids.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement(BY_QUERYID)) {
            ps.setArray(1, c.createArrayOf("text", queryids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), new Counter(rs.getLong(2), rs.getDouble(3)));
                }
            }
        }
        return out;
    }

    /** Counters of the INSERT/UPDATE/DELETE statements whose target relation is {@code schema.table}. */
    public static Map<String, Counter> writesOn(Connection c, String schema, String table) throws SQLException {
        Map<String, Counter> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(WRITES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (writes(rs.getString(2), schema, table)) {
                    out.put(rs.getString(1), new Counter(rs.getLong(3), rs.getDouble(4)));
                }
            }
        }
        return out;
    }

    /** Whether {@code query} is an INSERT/UPDATE/DELETE of {@code schema.table} (an unqualified name matches any schema). */
    static boolean writes(String query, String schema, String table) {
        Matcher m = WRITTEN.matcher(query == null ? "" : query);
        if (!m.find()) {
            return false;
        }
        String first = ident(m.group(1));
        String second = m.group(2) == null ? null : ident(m.group(2));
        return second == null ? first.equals(table) : first.equals(schema) && second.equals(table);
    }

    private static String ident(String text) {
        return text.startsWith("\"") ? text.substring(1, text.length() - 1).replace("\"\"", "\"")
                : text.toLowerCase(java.util.Locale.ROOT);
    }

    /** Why {@code pg_stat_statements} cannot be read, from the error; null for any other error (rethrown). */
    public static String unavailable(SQLException e) {
        return UNDEFINED_TABLE.equals(e.getSQLState())
                ? "pg_stat_statements is not installed in the database (CREATE EXTENSION pg_stat_statements)" : null;
    }

    /** Counters as stored in a baseline. */
    static Map<String, Object> json(Map<String, Counter> counters) {
        Map<String, Object> out = new LinkedHashMap<>();
        counters.forEach((k, v) -> out.put(k, v.json()));
        return out;
    }

    /** Counters read back from a baseline. */
    static Map<String, Counter> counters(Object json) {
        Map<String, Counter> out = new LinkedHashMap<>();
        if (json instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), Counter.of(v)));
        }
        return out;
    }

    /**
     * Compares the baseline counters of some statements with their counters now. The mean before is weighted by the
     * window's mix (each statement's mean before times its calls in the window), so a statement run often in the
     * window and rarely before (or the reverse) does not pass for a speed-up or a slow-down; statements that never ran
     * before the baseline are left out.
     */
    static Comparison compare(Map<String, Counter> before, Map<String, Counter> now) {
        long callsBefore = 0;
        double totalBefore = 0;
        long callsAfter = 0;
        double totalAfter = 0;
        double expected = 0;
        boolean reset = false;
        for (Map.Entry<String, Counter> e : before.entrySet()) {
            Counter b = e.getValue();
            Counter n = now.getOrDefault(e.getKey(), new Counter(0, 0));
            if (n.calls() < b.calls()) {
                reset = true;
                continue;
            }
            callsBefore += b.calls();
            totalBefore += b.totalMs();
            long calls = n.calls() - b.calls();
            if (b.calls() > 0 && calls > 0) {
                callsAfter += calls;
                totalAfter += n.totalMs() - b.totalMs();
                expected += calls * (b.totalMs() / b.calls());
            }
        }
        double meanBefore = callsAfter > 0 ? expected / callsAfter : callsBefore == 0 ? 0 : totalBefore / callsBefore;
        return new Comparison(callsBefore, meanBefore, callsAfter, callsAfter == 0 ? 0 : totalAfter / callsAfter, reset);
    }

    static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }

    /** The queryids of a baseline's list. */
    static List<String> ids(Object json) {
        return json instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }
}
