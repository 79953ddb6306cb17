package io.dbautopilot.automation.backup.restore;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.automation.state.StateTransactions;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Restores and drills in {@code automation.restore}. */
@ApplicationScoped
public class RestoreCatalog {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final StateTransactions transactions;
    private final ObjectMapper mapper;

    public RestoreCatalog(StateTransactions transactions, ObjectMapper mapper) {
        this.transactions = transactions;
        this.mapper = mapper;
    }

    /** Records a requested restore (pending until its operation runs). */
    public Restore create(Connection tx, UUID backupId, String databaseId, String kind, String dataDirectory,
                          Integer port, Instant targetTime, boolean keepRunning) throws SQLException {
        return one(tx, """
                INSERT INTO automation.restore (restore_id, backup_id, database_id, kind, status, data_directory, port,
                       target_time, keep_running)
                VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?) RETURNING *""", UUID.randomUUID(), backupId, databaseId, kind,
                dataDirectory, port, targetTime, keepRunning).orElseThrow();
    }

    /** Links the restore to its operation. */
    public void operation(Connection tx, UUID restoreId, UUID operationId) throws SQLException {
        one(tx, "UPDATE automation.restore SET operation_id = ? WHERE restore_id = ? RETURNING *", operationId, restoreId);
    }

    /** Marks it running where it restores to. */
    public Restore running(UUID id, String dataDirectory, Integer port) {
        return transactions.inTransaction(tx -> one(tx, """
                UPDATE automation.restore SET status = 'running', data_directory = ?, port = ?, started_at = now(),
                       error = NULL WHERE restore_id = ? RETURNING *""", dataDirectory, port, id).orElseThrow());
    }

    /** Records the end. */
    public Restore finished(UUID id, String status, Long rtoMillis, Map<String, Object> checks, String error) {
        return transactions.inTransaction(tx -> one(tx, """
                UPDATE automation.restore SET status = ?, finished_at = now(), rto_millis = ?, checks = ?::jsonb, error = ?
                 WHERE restore_id = ? RETURNING *""", status, rtoMillis, json(checks), error, id).orElseThrow());
    }

    /** Marks a kept restore as stopped and removed. */
    public Restore removed(UUID id) {
        return transactions.inTransaction(tx -> one(tx,
                "UPDATE automation.restore SET status = 'removed' WHERE restore_id = ? RETURNING *", id).orElseThrow());
    }

    /** One restore. */
    public Optional<Restore> find(UUID id) {
        return transactions.inTransaction(tx -> one(tx, "SELECT * FROM automation.restore WHERE restore_id = ?", id));
    }

    /** Restores of a database (or all), newest first. */
    public List<Restore> list(String databaseId, String kind, int limit) {
        return transactions.inTransaction(tx -> all(tx, """
                SELECT * FROM automation.restore WHERE (?::text IS NULL OR database_id = ?) AND (?::text IS NULL OR kind = ?)
                 ORDER BY started_at DESC LIMIT ?""", databaseId, databaseId, kind, kind, limit));
    }

    private String json(Map<String, Object> m) {
        try {
            return m == null ? null : mapper.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<Restore> one(Connection tx, String sql, Object... params) throws SQLException {
        List<Restore> l = all(tx, sql, params);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    private List<Restore> all(Connection tx, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                Object p = params[i];
                if (p instanceof Instant t) {
                    ps.setTimestamp(i + 1, Timestamp.from(t));
                } else if (p == null) {
                    ps.setNull(i + 1, java.sql.Types.OTHER);
                } else {
                    ps.setObject(i + 1, p);
                }
            }
            List<Restore> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(map(rs));
                }
            }
            return out;
        }
    }

    private Restore map(ResultSet rs) throws SQLException {
        Map<String, Object> checks;
        try {
            checks = rs.getString("checks") == null ? null : mapper.readValue(rs.getString("checks"), MAP);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return new Restore(rs.getObject("restore_id", UUID.class), rs.getObject("backup_id", UUID.class),
                rs.getString("database_id"), rs.getString("kind"), rs.getString("status"),
                rs.getObject("operation_id", UUID.class), rs.getString("data_directory"),
                (Integer) rs.getObject("port"), instant(rs, "target_time"), rs.getBoolean("keep_running"),
                instant(rs, "started_at"), instant(rs, "finished_at"), (Long) rs.getObject("rto_millis"), checks,
                rs.getString("error"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
