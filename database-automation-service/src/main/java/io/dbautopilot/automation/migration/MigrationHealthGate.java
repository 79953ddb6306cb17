package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.maintenance.Preconditions;
import io.dbautopilot.automation.mysql.MySqlPreconditions;
import io.dbautopilot.automation.state.StateTransactions;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Decides whether a migration may start now: the maintenance preconditions (long-running transactions, replication
 * lag, a base backup, low disk) and no other operation of this service running on the same physical database
 * (found by its backends' application_name on PostgreSQL, by the connection attribute {@code autopilot_purpose} in
 * performance_schema on MySQL / MariaDB, so two managed ids of one database count too). Returns the reason to defer.
 */
@ApplicationScoped
public class MigrationHealthGate {

    private static final String PREFIX = ManagedDatabases.APPLICATION_NAME + " op:";
    /** The {@code autopilot_purpose} connection attribute of an operation's MySQL sessions ({@code op=<id>}). */
    private static final String MYSQL_PREFIX = "op=";

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(MigrationHealthGate.class);

    private final Preconditions preconditions;
    private final MySqlPreconditions mysqlPreconditions;
    private final ManagedDatabases databases;
    private final StateTransactions transactions;

    public MigrationHealthGate(Preconditions preconditions, MySqlPreconditions mysqlPreconditions,
                               ManagedDatabases databases, StateTransactions transactions) {
        this.preconditions = preconditions;
        this.mysqlPreconditions = mysqlPreconditions;
        this.databases = databases;
        this.transactions = transactions;
    }

    /** The reason to defer, or empty when the migration may run. */
    public Optional<String> check(Connection target, String databaseId, UUID operationId) throws SQLException {
        boolean postgres = MigrationTexts.postgres(target);
        Optional<String> unsafe = postgres ? preconditions.check(target, databases.settings(databaseId))
                : mysqlPreconditions.check(target, databases.settings(databaseId), 0);
        if (unsafe.isPresent()) {
            return unsafe;
        }
        Optional<String> running = otherOperation(databaseId, operationId);
        if (running.isPresent()) {
            return running;
        }
        return otherBackends(target, databaseId, operationId, postgres);
    }

    /**
     * Another operation of this service (not a migration) running on the managed database, from the state database:
     * the reason to defer, or empty.
     */
    public Optional<String> otherOperation(String databaseId, UUID operationId) {
        return transactions.inTransaction(tx -> {
            try (PreparedStatement ps = tx.prepareStatement("""
                    SELECT id, type FROM automation.operation
                     WHERE target_id = ? AND status = 'running' AND id <> ? AND type NOT IN ('migrate', 'migrate_undo')
                     LIMIT 1""")) {
                ps.setString(1, databaseId);
                ps.setObject(2, operationId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of("precondition operation_in_progress: operation " + rs.getString(1) + " ("
                            + rs.getString(2) + ") is running on " + databaseId) : Optional.<String>empty();
                }
            }
        });
    }

    /**
     * Sessions of other operations of this service on the same physical database (PostgreSQL: pg_stat_activity by
     * application_name; MySQL / MariaDB: performance_schema connection attributes).
     */
    private Optional<String> otherBackends(Connection target, String databaseId, UUID operationId, boolean postgres)
            throws SQLException {
        List<UUID> others = new ArrayList<>();
        List<Integer> pids = new ArrayList<>();
        try (PreparedStatement ps = target.prepareStatement(postgres ? """
                SELECT pid, substr(application_name, ?) FROM pg_stat_activity
                 WHERE datname = current_database() AND application_name LIKE ? AND pid <> pg_backend_pid()
                   AND state <> 'idle'""" : """
                SELECT a.PROCESSLIST_ID, SUBSTRING(a.ATTR_VALUE, ?) FROM performance_schema.session_connect_attrs a
                  JOIN information_schema.PROCESSLIST p ON p.ID = a.PROCESSLIST_ID
                 WHERE a.ATTR_NAME = 'autopilot_purpose' AND a.ATTR_VALUE LIKE ? AND a.PROCESSLIST_ID <> CONNECTION_ID()
                   AND p.DB = DATABASE() AND p.COMMAND <> 'Sleep'""")) {
            String prefix = postgres ? PREFIX : MYSQL_PREFIX;
            ps.setInt(1, prefix.length() + 1);
            ps.setString(2, prefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        UUID id = UUID.fromString(rs.getString(2).trim());
                        if (!id.equals(operationId)) {
                            others.add(id);
                            pids.add(rs.getInt(1));
                        }
                    } catch (IllegalArgumentException e) {
                        // not an operation backend
                    }
                }
            }
        } catch (SQLException e) {
            if (postgres) {
                throw e;
            }
            // performance_schema off or not readable: this service's own operations were checked in the state database
            LOG.debugf("Migration gate of %s: performance_schema not readable, other sessions not looked for: %s",
                    databaseId, e.getMessage());
        }
        for (int i = 0; i < others.size(); i++) {
            UUID other = others.get(i);
            Optional<String> type = transactions.inTransaction(tx -> {
                try (PreparedStatement ps = tx.prepareStatement("SELECT type FROM automation.operation WHERE id = ?")) {
                    ps.setObject(1, other);
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
                    }
                }
            });
            // migrations are serialized by the runner lock; anything else (or an unknown operation) is in the way
            if (type.isEmpty() || !type.get().startsWith("migrate")) {
                return Optional.of("precondition operation_in_progress: operation " + other + " ("
                        + type.orElse("unknown to this state database") + ", backend pid " + pids.get(i)
                        + ") is running on the database");
            }
        }
        return Optional.empty();
    }
}
