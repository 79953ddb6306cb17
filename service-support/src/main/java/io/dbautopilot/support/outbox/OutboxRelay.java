package io.dbautopilot.support.outbox;

import io.agroal.api.AgroalDataSource;
import io.smallrye.mutiny.Uni;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Drains one outbox table ({@code id, event_id, target_id, event_type, <time column>, payload, sent_at}) in id order: sends
 * each unsent row, marks it sent once the broker acknowledged it, and stops at the first failure so per-target order
 * holds. One drain at a time across instances (session advisory lock {@code lockKey}). Delivery is at least once: a
 * crash between ack and mark re-sends with the same event id, which consumers recognise. Shared by the anomaly and
 * recommendation relays of performance-service and the operation relay of database-automation-service, which only add
 * their schedule, settings and channel.
 */
public final class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final String what;
    private final String table;
    private final String timeColumn;
    private final long lockKey;
    private final AgroalDataSource dataSource;
    private final AtomicBoolean running = new AtomicBoolean();

    /**
     * @param what      what the rows are, for log lines ("Anomaly")
     * @param table      the qualified outbox table (a constant of the caller, never user input)
     * @param timeColumn the column holding when the event happened (a constant of the caller)
     * @param lockKey    advisory lock key, distinct per outbox
     */
    public OutboxRelay(String what, String table, String timeColumn, long lockKey, AgroalDataSource dataSource) {
        this.what = what;
        this.table = table;
        this.timeColumn = timeColumn;
        this.lockKey = lockKey;
        this.dataSource = dataSource;
    }

    /** Sends up to {@code batch} unsent rows in order through {@code send}; returns how many were sent and marked. */
    public int drain(int batch, Duration publishTimeout, Function<OutboxRow, Uni<Void>> send) {
        if (!running.compareAndSet(false, true)) {
            return 0;
        }
        int sent = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            if (!advisory(c, "SELECT pg_try_advisory_lock(?)")) {
                return 0;
            }
            try {
                List<OutboxRow> rows = unsent(c, batch);
                try (PreparedStatement mark = c.prepareStatement("UPDATE " + table + " SET sent_at = now() WHERE id = ?")) {
                    for (OutboxRow row : rows) {
                        try {
                            send.apply(row).await().atMost(publishTimeout);
                        } catch (RuntimeException e) {
                            LOG.warnf("%s event %s (target %s) not published, will retry: %s", what, row.eventId(),
                                    row.targetId(), e.getMessage());
                            break;
                        }
                        mark.setLong(1, row.id());
                        mark.executeUpdate();
                        sent++;
                    }
                }
            } finally {
                advisory(c, "SELECT pg_advisory_unlock(?)");
            }
        } catch (SQLException e) {
            LOG.warnf("%s outbox relay failed, will retry: %s", what, e.getMessage());
        } finally {
            running.set(false);
        }
        return sent;
    }

    private List<OutboxRow> unsent(Connection c, int batch) throws SQLException {
        List<OutboxRow> rows = new ArrayList<>();
        try (PreparedStatement st = c.prepareStatement("SELECT id, event_id, target_id, event_type, " + timeColumn + ", payload::text "
                + "FROM " + table + " WHERE sent_at IS NULL ORDER BY id LIMIT ?")) {
            st.setInt(1, batch);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    rows.add(new OutboxRow(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getTimestamp(5).toInstant(), rs.getString(6)));
                }
            }
        }
        return rows;
    }

    private boolean advisory(Connection c, String sql) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setLong(1, lockKey);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
