package io.dbautopilot.automation.mysql;

import io.dbautopilot.automation.database.ManagedDatabasesConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * What makes heavy maintenance unsafe right now on a MySQL / MariaDB target, as {@code Preconditions} for PostgreSQL:
 * a long InnoDB transaction (a table rebuild waits for its metadata lock and blocks everyone queued behind it), this
 * server being a replica that lags ({@code Seconds_Behind_Master} over the long-transaction limit) or whose
 * replication threads stopped, and low disk (only with a configured disk capacity; a rebuild needs room for a copy
 * of the table). Returns the reason to defer.
 */
@ApplicationScoped
public class MySqlPreconditions {

    /** The first failing precondition, or empty when it is safe to start; {@code rebuildBytes}: room a rebuild needs. */
    public Optional<String> check(Connection target, ManagedDatabasesConfig.Database settings, long rebuildBytes)
            throws SQLException {
        try (PreparedStatement ps = target.prepareStatement("""
                SELECT t.trx_mysql_thread_id, p.USER, TIMESTAMPDIFF(SECOND, t.trx_started, NOW()), p.COMMAND
                  FROM information_schema.INNODB_TRX t
                  LEFT JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
                 WHERE t.trx_started < NOW() - INTERVAL ? SECOND AND t.trx_mysql_thread_id <> CONNECTION_ID()
                 ORDER BY t.trx_started LIMIT 1""")) {
            ps.setLong(1, Math.max(1, settings.longTransactionLimit().toSeconds()));
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    return Optional.of("precondition long_running_transaction: session " + rs.getLong(1) + " ("
                            + rs.getString(2) + ", " + rs.getString(4) + ") has a transaction open for " + rs.getLong(3)
                            + " s, over the limit of " + settings.longTransactionLimit().toSeconds() + " s");
                }
            }
        }
        Optional<String> replica = replica(target, settings);
        if (replica.isPresent()) {
            return replica;
        }
        if (settings.diskCapacityBytes().isPresent()) {
            try (Statement st = target.createStatement(); ResultSet rs = st.executeQuery("""
                    SELECT COALESCE(SUM(DATA_LENGTH + INDEX_LENGTH + DATA_FREE), 0) FROM information_schema.TABLES""")) {
                rs.next();
                long free = settings.diskCapacityBytes().get() - rs.getLong(1);
                if (free - rebuildBytes < settings.minFreeDiskBytes()) {
                    return Optional.of("precondition low_disk: about " + free + " bytes free (capacity "
                            + settings.diskCapacityBytes().get() + " - table sizes), " + rebuildBytes
                            + " needed for the rebuild, under the minimum of " + settings.minFreeDiskBytes());
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> replica(Connection target, ManagedDatabasesConfig.Database settings)
            throws SQLException {
        try (Statement st = target.createStatement(); ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
            while (rs.next()) {
                String io = rs.getString("Slave_IO_Running");
                String sql = rs.getString("Slave_SQL_Running");
                Object lag = rs.getObject("Seconds_Behind_Master");
                if (!"Yes".equalsIgnoreCase(sql) || !"Yes".equalsIgnoreCase(io)) {
                    return Optional.of("precondition replication_stopped: this server is a replica whose threads are "
                            + "not running (IO " + io + ", SQL " + sql + ")");
                }
                if (lag instanceof Number n && n.longValue() > settings.longTransactionLimit().toSeconds()) {
                    return Optional.of("precondition replication_lag: this replica is " + n.longValue()
                            + " s behind, over the limit of " + settings.longTransactionLimit().toSeconds() + " s");
                }
            }
        } catch (SQLException e) {
            if (e.getErrorCode() != 1227) { // no privilege to read replication status: not a replica we can judge
                throw e;
            }
        }
        return Optional.empty();
    }
}
