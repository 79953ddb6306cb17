package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.state.StateTransactions;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The one-runner-per-database lock: a lease row in the state database ({@code automation.migration_lock}), renewed
 * while the runner works and deleted when it is done; a dead runner's lease simply expires. Nothing is held on the
 * managed database itself, so {@code CREATE INDEX CONCURRENTLY} never waits for the lock.
 */
@ApplicationScoped
public class MigrationLease {

    private static final Logger LOG = Logger.getLogger(MigrationLease.class);

    private static final String ACQUIRE = """
            INSERT INTO automation.migration_lock (lock_key, database_id, owner, operation_id, expires_at)
            VALUES (?, ?, ?, ?, now() + ?::interval)
            ON CONFLICT (lock_key) DO UPDATE
               SET database_id = excluded.database_id, owner = excluded.owner, operation_id = excluded.operation_id,
                   acquired_at = now(), expires_at = excluded.expires_at
             WHERE automation.migration_lock.expires_at < now() OR automation.migration_lock.owner = excluded.owner
            RETURNING owner""";

    private final StateTransactions transactions;
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "migration-lease-renewer");
        t.setDaemon(true);
        return t;
    });

    public MigrationLease(StateTransactions transactions) {
        this.transactions = transactions;
    }

    /** Who holds a lock now. */
    public record Holder(String owner, String databaseId, UUID operationId, Instant acquiredAt, Instant expiresAt) {
    }

    /** A held lock; closing it stops the renewal and deletes the row. */
    public final class Held implements AutoCloseable {
        private final String key;
        private final String owner;
        private final ScheduledFuture<?> renewal;

        private Held(String key, String owner, Duration lease) {
            this.key = key;
            this.owner = owner;
            long every = Math.max(100, lease.toMillis() / 3);
            this.renewal = renewer.scheduleAtFixedRate(() -> renew(lease), every, every, TimeUnit.MILLISECONDS);
        }

        private void renew(Duration lease) {
            try {
                int n = transactions.inTransaction(tx -> {
                    try (PreparedStatement ps = tx.prepareStatement("""
                            UPDATE automation.migration_lock SET expires_at = now() + ?::interval
                             WHERE lock_key = ? AND owner = ?""")) {
                        ps.setString(1, lease.toMillis() + " milliseconds");
                        ps.setString(2, key);
                        ps.setString(3, owner);
                        return ps.executeUpdate();
                    }
                });
                if (n == 0) {
                    LOG.warnf("Migration lock %s: lease of %s lost (expired and taken over)", key, owner);
                }
            } catch (RuntimeException e) {
                LOG.warnf("Migration lock %s: renewal failed: %s", key, e.getMessage());
            }
        }

        @Override
        public void close() {
            renewal.cancel(false);
            transactions.inTransaction(tx -> {
                try (PreparedStatement ps = tx.prepareStatement(
                        "DELETE FROM automation.migration_lock WHERE lock_key = ? AND owner = ?")) {
                    ps.setString(1, key);
                    ps.setString(2, owner);
                    return ps.executeUpdate();
                }
            });
        }
    }

    /** Takes the lock if it is free or its holder's lease expired; empty when someone else holds it. */
    public Optional<Held> tryAcquire(String key, String databaseId, String owner, UUID operationId, Duration lease) {
        boolean got = transactions.inTransaction(tx -> {
            try (PreparedStatement ps = tx.prepareStatement(ACQUIRE)) {
                ps.setString(1, key);
                ps.setString(2, databaseId);
                ps.setString(3, owner);
                ps.setObject(4, operationId);
                ps.setString(5, lease.toMillis() + " milliseconds");
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
        return got ? Optional.of(new Held(key, owner, lease)) : Optional.empty();
    }

    /** The current holder of a lock (also an expired one that nobody took over yet). */
    public Optional<Holder> holder(String key) {
        return transactions.inTransaction(tx -> {
            try (PreparedStatement ps = tx.prepareStatement("""
                    SELECT owner, database_id, operation_id, acquired_at, expires_at FROM automation.migration_lock
                     WHERE lock_key = ?""")) {
                ps.setString(1, key);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    return Optional.of(new Holder(rs.getString(1), rs.getString(2), rs.getObject(3, UUID.class),
                            rs.getTimestamp(4).toInstant(), rs.getTimestamp(5).toInstant()));
                }
            }
        });
    }

    @PreDestroy
    void stop() {
        renewer.shutdownNow();
    }
}
