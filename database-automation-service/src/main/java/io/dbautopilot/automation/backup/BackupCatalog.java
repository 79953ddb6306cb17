package io.dbautopilot.automation.backup;

import io.dbautopilot.automation.backup.engine.BackupEngine;
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
import java.util.Optional;
import java.util.UUID;

/** The backup catalog ({@code automation.backup}): one row per backup, written as it starts, progresses and ends. */
@ApplicationScoped
public class BackupCatalog {

    private final StateTransactions transactions;

    public BackupCatalog(StateTransactions transactions) {
        this.transactions = transactions;
    }

    /** Records a backup that is starting. */
    public Backup start(String databaseId, String databaseName, BackupType type, EngineKind engine, UUID operationId,
                        String reason) {
        UUID id = UUID.randomUUID();
        return transactions.inTransaction(tx -> one(tx, """
                INSERT INTO automation.backup (backup_id, database_id, database_name, backup_type, engine, status,
                       operation_id, reason, progress_percent)
                VALUES (?, ?, ?, ?, ?, 'running', ?, ?, 0) RETURNING *""", id, databaseId, databaseName, type.wire(),
                engine.wire(), operationId, reason).orElseThrow());
    }

    /** Records progress of a running backup. */
    public void progress(UUID id, double percent, Long bytes) {
        transactions.inTransaction(tx -> update(tx, """
                UPDATE automation.backup SET progress_percent = ?, progress_bytes = coalesce(?, progress_bytes)
                 WHERE backup_id = ? AND status = 'running'""", percent, bytes, id));
    }

    /** Records where a running backup writes (so an interrupted one can be cleaned up). */
    public void location(UUID id, String location) {
        transactions.inTransaction(tx -> update(tx, "UPDATE automation.backup SET location = ? WHERE backup_id = ?",
                location, id));
    }

    /** Records a finished backup (still to be verified: status stays running until then). */
    public Backup finished(UUID id, BackupEngine.EngineResult r, UUID parentId, long backupMillis) {
        return transactions.inTransaction(tx -> one(tx, """
                UPDATE automation.backup SET backup_type = ?, label = ?, parent_id = ?, location = ?, size_bytes = ?,
                       stored_bytes = ?, wal_start = ?, wal_stop = ?, lsn_start = ?, lsn_stop = ?, checksum = ?,
                       progress_percent = 100, backup_millis = ?
                 WHERE backup_id = ? RETURNING *""", r.type().wire(), r.label(), parentId, r.location(), r.sizeBytes(),
                r.storedBytes(), r.walStart(), r.walStop(), r.lsnStart(), r.lsnStop(), r.checksum(), backupMillis, id)
                .orElseThrow());
    }

    /** Records the outcome of a verification: completed (valid) or corrupt. */
    public Backup verified(UUID id, BackupEngine.Verification v, boolean completing, long verifyMillis) {
        String status = v.valid() ? (completing ? "completed" : null) : "corrupt";
        return transactions.inTransaction(tx -> one(tx, """
                UPDATE automation.backup SET status = coalesce(?, status), verified_at = now(), verification = ?,
                       completed_at = CASE WHEN ? THEN coalesce(completed_at, now()) ELSE completed_at END,
                       error = CASE WHEN ? THEN error ELSE ? END, verify_millis = ?
                 WHERE backup_id = ? RETURNING *""", status, v.detail(), completing, v.valid(), v.detail(), verifyMillis, id)
                .orElseThrow());
    }

    /** Records a failed backup. */
    public Backup failed(UUID id, String error) {
        return transactions.inTransaction(tx -> one(tx, """
                UPDATE automation.backup SET status = 'failed', error = ?, progress_percent = NULL WHERE backup_id = ?
                RETURNING *""", error, id).orElseThrow());
    }

    /** Marks backups removed by retention. */
    public void expired(List<UUID> ids) {
        if (ids.isEmpty()) {
            return;
        }
        transactions.inTransaction(tx -> update(tx, """
                UPDATE automation.backup SET status = 'expired', expired_at = now()
                 WHERE backup_id = ANY(?) AND status <> 'expired'""", (Object) ids.toArray(UUID[]::new)));
    }

    /** One backup. */
    public Optional<Backup> find(UUID id) {
        return transactions.inTransaction(tx -> one(tx, "SELECT * FROM automation.backup WHERE backup_id = ?", id));
    }

    /** The backup of a database with an engine's label. */
    public Optional<Backup> byLabel(String databaseId, EngineKind engine, String label) {
        return transactions.inTransaction(tx -> one(tx, """
                SELECT * FROM automation.backup WHERE database_id = ? AND engine = ? AND label = ?
                 ORDER BY created_at DESC LIMIT 1""", databaseId, engine.wire(), label));
    }

    /** Backups matching the optional filters, newest first. */
    public List<Backup> list(String databaseId, String type, String status, int limit) {
        return transactions.inTransaction(tx -> all(tx, """
                SELECT * FROM automation.backup
                 WHERE (?::text IS NULL OR database_id = ?) AND (?::text IS NULL OR backup_type = ?)
                   AND (?::text IS NULL OR status = ?)
                 ORDER BY created_at DESC, backup_id LIMIT ?""", databaseId, databaseId, type, type, status, status, limit));
    }

    /** Completed backups of a database (oldest first), for retention and restore. */
    public List<Backup> completed(String databaseId) {
        return transactions.inTransaction(tx -> all(tx, """
                SELECT * FROM automation.backup WHERE database_id = ? AND status = 'completed'
                 ORDER BY created_at, backup_id""", databaseId));
    }

    /** Backups of a database whose files should exist (completed or corrupt), oldest first. */
    public List<Backup> stored(String databaseId) {
        return transactions.inTransaction(tx -> all(tx, """
                SELECT * FROM automation.backup WHERE database_id = ? AND status IN ('completed', 'corrupt')
                 ORDER BY created_at, backup_id""", databaseId));
    }

    /** The newest completed backup of a database. */
    public Optional<Backup> latestCompleted(String databaseId) {
        return transactions.inTransaction(tx -> one(tx, """
                SELECT * FROM automation.backup WHERE database_id = ? AND status = 'completed'
                 ORDER BY completed_at DESC LIMIT 1""", databaseId));
    }

    /**
     * Backups still marked running whose operation no longer runs (or is {@code retryOf}: its executor died): left
     * by a killed instance.
     */
    public List<Backup> orphans(String databaseId, UUID retryOf) {
        return transactions.inTransaction(tx -> all(tx, """
                SELECT b.* FROM automation.backup b LEFT JOIN automation.operation o ON o.id = b.operation_id
                 WHERE b.database_id = ? AND b.status = 'running'
                   AND (b.operation_id IS NULL OR o.id IS NULL OR o.status <> 'running' OR o.id = ?)
                   AND b.created_at < now() - interval '1 second'""", databaseId, retryOf));
    }

    private static int update(Connection tx, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(sql)) {
            bind(ps, params);
            return ps.executeUpdate();
        }
    }

    private static Optional<Backup> one(Connection tx, String sql, Object... params) throws SQLException {
        List<Backup> l = all(tx, sql, params);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    private static List<Backup> all(Connection tx, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = tx.prepareStatement(sql)) {
            bind(ps, params);
            List<Backup> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(map(rs));
                }
            }
            return out;
        }
    }

    private static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            if (p instanceof UUID[] array) {
                ps.setArray(i + 1, ps.getConnection().createArrayOf("uuid", array));
            } else if (p instanceof Instant instant) {
                ps.setTimestamp(i + 1, Timestamp.from(instant));
            } else if (p == null) {
                ps.setNull(i + 1, java.sql.Types.OTHER);
            } else {
                ps.setObject(i + 1, p);
            }
        }
    }

    private static Backup map(ResultSet rs) throws SQLException {
        return new Backup(rs.getObject("backup_id", UUID.class), rs.getString("database_id"), rs.getString("database_name"),
                BackupType.parse(rs.getString("backup_type")).orElseThrow(),
                EngineKind.parse(rs.getString("engine")).orElseThrow(),
                BackupStatus.parse(rs.getString("status")).orElseThrow(), rs.getObject("operation_id", UUID.class),
                rs.getString("reason"), rs.getString("label"), rs.getObject("parent_id", UUID.class),
                rs.getString("location"), (Long) rs.getObject("size_bytes"), (Long) rs.getObject("stored_bytes"),
                rs.getString("wal_start"), rs.getString("wal_stop"), rs.getString("lsn_start"), rs.getString("lsn_stop"),
                rs.getString("checksum"), (Double) rs.getObject("progress_percent"), (Long) rs.getObject("progress_bytes"),
                (Long) rs.getObject("backup_millis"), (Long) rs.getObject("verify_millis"),
                instant(rs, "created_at"), instant(rs, "completed_at"), instant(rs, "verified_at"),
                rs.getString("verification"), instant(rs, "expired_at"), rs.getString("error"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }
}
