package io.dbautopilot.automation.session;

import io.dbautopilot.automation.database.CatalogObjects;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The two session rules as SQL: which client sessions of the database are over the limit (except the backends this
 * service owns, by pid; never by application_name, which any client can set), the signal sent to each only while its
 * pid is still the same session (backend_start, usename, datname), and which of them are still over the limit.
 */
enum SessionSignal {

    /** Sessions idle in transaction longer than the limit get {@code pg_terminate_backend}. */
    TERMINATE_IDLE("""
            SELECT pid, usename::text, application_name, extract(epoch FROM now() - state_change)::bigint,
                   to_char(backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), datname::text
              FROM pg_stat_activity
             WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
               AND state IN ('idle in transaction', 'idle in transaction (aborted)')
               AND now() - state_change > ?::interval AND pid <> ALL(?)""",
            "pg_terminate_backend(pid, 5000)",
            "SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(?)",
            "idle_seconds", "terminated", "pg_terminate_backend on sessions idle in transaction > "),

    /** Queries running longer than the limit get {@code pg_cancel_backend}. */
    CANCEL_RUNNING("""
            SELECT pid, usename::text, application_name, extract(epoch FROM now() - query_start)::bigint,
                   to_char(backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), datname::text
              FROM pg_stat_activity
             WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
               AND state = 'active' AND now() - query_start > ?::interval AND pid <> ALL(?)""",
            "pg_cancel_backend(pid)",
            """
            SELECT count(*) FROM pg_stat_activity
             WHERE pid = ANY(?) AND state = 'active' AND now() - query_start > ?::interval""",
            "running_seconds", "cancelled", "pg_cancel_backend on queries running > ");

    private final String select;
    private final String signal;
    private final String stillOver;
    private final String ageKey;
    private final String signalledKey;
    private final String description;

    SessionSignal(String select, String signal, String stillOver, String ageKey, String signalledKey,
                  String description) {
        this.select = select;
        this.signal = signal;
        this.stillOver = stillOver;
        this.ageKey = ageKey;
        this.signalledKey = signalledKey;
        this.description = description;
    }

    /**
     * The sessions over {@code limitSeconds}, except {@code ownPids}: pid, usename, application_name, their age and
     * their identity (backend_start, datname).
     */
    List<Map<String, Object>> overLimit(Connection c, long limitSeconds, List<Integer> ownPids) throws SQLException {
        List<Map<String, Object>> sessions = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(select)) {
            ps.setString(1, limitSeconds + " seconds");
            ps.setArray(2, c.createArrayOf("int4", ownPids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("pid", rs.getInt(1));
                    s.put("usename", rs.getString(2));
                    s.put("application_name", rs.getString(3));
                    s.put(ageKey, rs.getLong(4));
                    s.put(CatalogObjects.BACKEND_START, rs.getString(5));
                    s.put(CatalogObjects.DATNAME, rs.getString(6));
                    sessions.add(s);
                }
            }
        }
        return sessions;
    }

    /**
     * Sends the signal to {@code pid} only while it is still the session {@code identity} describes (same
     * backend_start, usename and datname, checked in the same statement); whether it was sent.
     */
    boolean signal(Connection c, int pid, Map<String, Object> identity) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + signal + """
                 FROM pg_stat_activity
                 WHERE pid = ? AND backend_type = 'client backend' AND backend_start = ?::timestamptz
                   AND usename IS NOT DISTINCT FROM ? AND datname = ?""")) {
            ps.setInt(1, pid);
            ps.setString(2, (String) identity.get(CatalogObjects.BACKEND_START));
            ps.setString(3, (String) identity.get(CatalogObjects.USENAME));
            ps.setString(4, (String) identity.get(CatalogObjects.DATNAME));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** How many of {@code pids} are still there (terminate) or still running over the limit (cancel). */
    long stillOverLimit(Connection c, List<Integer> pids, long limitSeconds) throws SQLException {
        if (pids.isEmpty()) {
            return 0;
        }
        try (PreparedStatement ps = c.prepareStatement(stillOver)) {
            ps.setArray(1, c.createArrayOf("int4", pids.toArray()));
            if (this == CANCEL_RUNNING) {
                ps.setString(2, limitSeconds + " seconds");
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The effect key saying whether the signal was sent. */
    String signalledKey() {
        return signalledKey;
    }

    /** The statement as reported in the outcome. */
    String describe(Number limit) {
        return description + limit + " s";
    }
}
