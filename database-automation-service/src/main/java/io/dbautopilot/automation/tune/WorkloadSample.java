package io.dbautopilot.automation.tune;

import io.dbautopilot.automation.verify.StatementCounters;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The target database's cumulative workload counters at one moment: transactions ({@code pg_stat_database}
 * xact_commit + xact_rollback), temp bytes, and statement calls and time ({@code pg_stat_statements}, when installed).
 * Two samples give the rates of the window between them ({@link Rates}).
 *
 * @param epochSeconds server clock
 * @param xacts        committed + rolled back transactions
 * @param tempBytes    bytes written to temp files
 * @param calls        statement calls; -1 when pg_stat_statements is not installed
 * @param totalMs      statement execution time
 */
public record WorkloadSample(double epochSeconds, long xacts, long tempBytes, long calls, double totalMs) {

    private static final String DATABASE = """
            SELECT extract(epoch FROM clock_timestamp())::float8, xact_commit + xact_rollback, temp_bytes
              FROM pg_stat_database WHERE datname = current_database()""";

    private static final String STATEMENTS = """
            SELECT coalesce(sum(calls), 0)::bigint, coalesce(sum(total_exec_time), 0) FROM pg_stat_statements
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())""";

    /** Reads the counters now. */
    public static WorkloadSample take(Connection c) throws SQLException {
        long calls = -1;
        double total = 0;
        try (PreparedStatement ps = c.prepareStatement(STATEMENTS); ResultSet rs = ps.executeQuery()) {
            rs.next();
            calls = rs.getLong(1);
            total = rs.getDouble(2);
        } catch (SQLException e) {
            if (StatementCounters.unavailable(e) == null) {
                throw e;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(DATABASE); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("no pg_stat_database row for the current database");
            }
            return new WorkloadSample(rs.getDouble(1), rs.getLong(2), rs.getLong(3), calls, total);
        }
    }

    /** As stored in a baseline. */
    public Map<String, Object> json() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("epoch_seconds", epochSeconds);
        m.put("xacts", xacts);
        m.put("temp_bytes", tempBytes);
        m.put("calls", calls);
        m.put("total_exec_time_ms", totalMs);
        return m;
    }

    /** Read back from a baseline. */
    public static WorkloadSample of(Object json) {
        Map<?, ?> m = json instanceof Map<?, ?> map ? map : Map.of();
        return new WorkloadSample(num(m.get("epoch_seconds")), (long) num(m.get("xacts")), (long) num(m.get("temp_bytes")),
                m.get("calls") == null ? -1 : (long) num(m.get("calls")), num(m.get("total_exec_time_ms")));
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : 0;
    }

    /** The rates of the window from {@code this} to {@code later}. */
    public Rates until(WorkloadSample later) {
        double seconds = Math.max(0.001, later.epochSeconds - epochSeconds);
        long calls = this.calls < 0 || later.calls < 0 ? -1 : later.calls - this.calls;
        double mean = calls > 0 ? (later.totalMs - totalMs) / calls : 0;
        return new Rates(seconds, (later.xacts - xacts) / seconds, calls, mean, (later.tempBytes - tempBytes) / seconds,
                later.xacts < xacts || later.tempBytes < tempBytes || (calls < 0 && this.calls >= 0));
    }

    /**
     * Workload rates over a window.
     *
     * @param seconds            window length
     * @param tps                transactions per second
     * @param calls              statement calls in the window; -1 without pg_stat_statements
     * @param meanMs             statement mean time in the window
     * @param tempBytesPerSecond temp bytes written per second
     * @param reset              whether a counter went backwards (statistics reset): not comparable
     */
    public record Rates(double seconds, double tps, long calls, double meanMs, double tempBytesPerSecond, boolean reset) {

        /** The figures, for events. */
        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("window_seconds", round(seconds));
            m.put("tps", round(tps));
            m.put("statement_calls", calls);
            m.put("statement_mean_ms", round(meanMs));
            m.put("temp_bytes_per_second", Math.round(tempBytesPerSecond));
            if (reset) {
                m.put("statistics_reset", true);
            }
            return m;
        }

        /** Read back from a baseline. */
        public static Rates of(Object json) {
            Map<?, ?> m = json instanceof Map<?, ?> map ? map : Map.of();
            return new Rates(num(m.get("window_seconds")), num(m.get("tps")),
                    m.get("statement_calls") == null ? -1 : (long) num(m.get("statement_calls")),
                    num(m.get("statement_mean_ms")), num(m.get("temp_bytes_per_second")),
                    Boolean.TRUE.equals(m.get("statistics_reset")));
        }

        private static double round(double v) {
            return Math.round(v * 1000.0) / 1000.0;
        }
    }
}
