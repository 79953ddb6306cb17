package io.dbautopilot.automation.stop;

import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads and writes {@code automation.emergency_stop} inside the caller's transaction. */
@ApplicationScoped
public class EmergencyStops {

    /** Scopes of the stops in force, for a claim query: {@code '*'} and target ids. */
    public static final String STOPPED_SCOPES = "SELECT scope FROM automation.emergency_stop";

    /** The stop in force for a target (a global one first), if any. */
    public Optional<EmergencyStop> activeFor(Connection tx, String targetId) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("""
                SELECT * FROM automation.emergency_stop WHERE scope IN ('*', ?)
                 ORDER BY (scope = '*') DESC LIMIT 1""")) {
            ps.setString(1, targetId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    /** Every stop in force, global first. */
    public List<EmergencyStop> list(Connection tx) throws SQLException {
        List<EmergencyStop> out = new ArrayList<>();
        try (PreparedStatement ps = tx.prepareStatement(
                "SELECT * FROM automation.emergency_stop ORDER BY (scope = '*') DESC, scope");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(map(rs));
            }
        }
        return out;
    }

    /** Puts a stop in force (or replaces the reason of one already in force for that scope); returns it. */
    public EmergencyStop put(Connection tx, String target, String reason, String stoppedBy) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("""
                INSERT INTO automation.emergency_stop (scope, reason, stopped_by) VALUES (?, ?, ?)
                ON CONFLICT (scope) DO UPDATE SET reason = excluded.reason, stopped_by = excluded.stopped_by
                RETURNING *""")) {
            ps.setString(1, target == null ? EmergencyStop.GLOBAL : target);
            ps.setString(2, reason);
            ps.setString(3, stoppedBy);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return map(rs);
            }
        }
    }

    /** Lifts the stop of a scope (null: the global one); returns it, or empty when none was in force. */
    public Optional<EmergencyStop> lift(Connection tx, String target) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement("DELETE FROM automation.emergency_stop WHERE scope = ? RETURNING *")) {
            ps.setString(1, target == null ? EmergencyStop.GLOBAL : target);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(map(rs)) : Optional.empty();
            }
        }
    }

    private static EmergencyStop map(ResultSet rs) throws SQLException {
        String scope = rs.getString("scope");
        return new EmergencyStop(EmergencyStop.GLOBAL.equals(scope) ? null : scope, rs.getString("reason"),
                rs.getString("stopped_by"), rs.getTimestamp("stopped_at").toInstant());
    }
}
