package io.dbautopilot.automation.state;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.SQLException;

/** Runs blocking work in one JDBC transaction on the state database (worker threads only, never the event loop). */
@ApplicationScoped
public class StateTransactions {

    /** Work done inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection tx) throws SQLException;
    }

    private final AgroalDataSource dataSource;

    public StateTransactions(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs {@code work} in a transaction: committed when it returns, rolled back when it throws. */
    public <T> T inTransaction(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StateDatabaseException(e);
        }
    }

    /** Runs {@code work} on one connection in autocommit mode (for session-level locks held across commits). */
    public <T> T withConnection(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            return work.run(c);
        } catch (SQLException e) {
            throw new StateDatabaseException(e);
        }
    }

    /** A state-database statement failed; keeps the SQLSTATE for callers that react to specific errors. */
    public static class StateDatabaseException extends RuntimeException {
        private final String sqlState;

        public StateDatabaseException(SQLException cause) {
            super("state database: " + cause.getMessage(), cause);
            this.sqlState = cause.getSQLState();
        }

        /** The SQLSTATE of the failure, e.g. 23505 for a unique violation. */
        public String sqlState() {
            return sqlState;
        }
    }
}
