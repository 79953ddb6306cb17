package io.dbautopilot.automation.maintenance;

import io.dbautopilot.automation.database.ManagedDatabasesConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * Checks what makes heavy maintenance unsafe right now on a target: long-running transactions, replication lag,
 * a base backup in progress, low disk (only with a configured disk capacity). Returns the reason to defer.
 */
@ApplicationScoped
public class Preconditions {

    /** The first failing precondition, or empty when it is safe to start. */
    public Optional<String> check(Connection target, ManagedDatabasesConfig.Database settings) throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("""
                SELECT pid, usename, extract(epoch FROM now() - xact_start)::bigint, state
                  FROM pg_stat_activity
                 WHERE xact_start < now() - ?::interval AND pid <> pg_backend_pid() AND backend_type = 'client backend'
                 ORDER BY xact_start LIMIT 1""")) {
            ps.setString(1, settings.longTransactionLimit().toMillis() + " milliseconds");
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return Optional.of("precondition long_running_transaction: pid " + rs.getInt(1) + " (" + rs.getString(2)
                            + ", " + rs.getString(4) + ") has a transaction open for " + rs.getLong(3) + " s, over the limit of "
                            + settings.longTransactionLimit().toSeconds() + " s");
                }
            }
        }
        try (PreparedStatement ps = target.prepareStatement("""
                SELECT application_name, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint
                  FROM pg_stat_replication
                 WHERE NOT pg_is_in_recovery() AND pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) > ?
                 LIMIT 1""")) {
            ps.setLong(1, settings.replicationLagLimitBytes());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return Optional.of("precondition replication_lag: standby " + rs.getString(1) + " is " + rs.getLong(2)
                            + " bytes behind, over the limit of " + settings.replicationLagLimitBytes());
                }
            }
        }
        try (PreparedStatement ps = target.prepareStatement("SELECT pid, phase FROM pg_stat_progress_basebackup LIMIT 1");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                return Optional.of("precondition backup_in_progress: a base backup (pid " + rs.getInt(1) + ", phase "
                        + rs.getString(2) + ") is running");
            }
        }
        if (settings.diskCapacityBytes().isPresent()) {
            try (PreparedStatement ps = target.prepareStatement("SELECT sum(pg_database_size(oid))::bigint FROM pg_database");
                 ResultSet rs = ps.executeQuery()) {
                rs.next();
                long free = settings.diskCapacityBytes().get() - rs.getLong(1);
                if (free < settings.minFreeDiskBytes()) {
                    return Optional.of("precondition low_disk: about " + free + " bytes free (capacity "
                            + settings.diskCapacityBytes().get() + " - database sizes), under the minimum of "
                            + settings.minFreeDiskBytes());
                }
            }
        }
        return Optional.empty();
    }
}
