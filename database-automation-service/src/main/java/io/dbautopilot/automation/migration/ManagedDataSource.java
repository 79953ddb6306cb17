package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.database.ManagedDatabases;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

/**
 * A {@link DataSource} over {@link ManagedDatabases#connect}, so Flyway's connections carry this service's
 * application_name, {@code lock_timeout} and {@code statement_timeout} like every other connection to the database.
 */
final class ManagedDataSource implements DataSource {

    private final ManagedDatabases databases;
    private final String id;
    private final String purpose;

    ManagedDataSource(ManagedDatabases databases, String id, String purpose) {
        this.databases = databases;
        this.id = id;
        this.purpose = purpose;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return databases.connect(id, purpose);
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("credentials come from autopilot.databases." + id + ".*");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // not used
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // the connect timeout is fixed by ManagedDatabases
    }

    @Override
    public int getLoginTimeout() {
        return 5;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
