package io.dbautopilot.automation.sqlite;

import io.dbautopilot.support.fleet.TargetValidator;
import io.dbautopilot.support.url.DatabaseUrl;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * JDBC connections to SQLite targets ({@code sqlite:///abs/path/app.db}, sqlite-jdbc, blocking: for worker threads
 * only): the file must exist on this instance and be a SQLite database (never created here), and every connection
 * waits at most the database's lock timeout for the application's locks ({@code busy_timeout}).
 */
public final class SqliteConnections {

    private SqliteConnections() {
    }

    /** Whether a URL names a SQLite file. */
    public static boolean isSqlite(DatabaseUrl url) {
        return "sqlite".equals(url.engine());
    }

    /**
     * The database file of a SQLite URL, checked: it exists here, is a regular readable file with the SQLite header;
     * the URL takes no parameters.
     *
     * @throws IllegalArgumentException naming {@code setting} and the path
     */
    public static Path file(String setting, DatabaseUrl url) {
        if (!url.params().isEmpty()) {
            throw new IllegalArgumentException(setting + ": parameter '" + url.params().keySet().iterator().next()
                    + "' is not supported for sqlite (the URL is the file's absolute path only)");
        }
        Path file = Path.of(url.database());
        TargetValidator.sqliteProblem(file).ifPresent(p -> {
            throw new IllegalArgumentException(setting + ": " + p + " (a SQLite target's file must be local to the "
                    + "automation-service instance that manages it)");
        });
        return file;
    }

    /**
     * Opens a read-write connection (autocommit) to an existing SQLite file; a missing file or another problem fails
     * naming the path, lock waits are limited to {@code busyTimeout}.
     */
    public static Connection open(Path file, Duration busyTimeout) throws SQLException {
        var problem = TargetValidator.sqliteProblem(file);
        if (problem.isPresent()) {
            throw new SQLException(problem.get(), "08001");
        }
        SQLiteConfig config = new SQLiteConfig();
        config.resetOpenMode(SQLiteOpenMode.CREATE); // never create a missing file
        config.setBusyTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, busyTimeout.toMillis())));
        return config.createConnection("jdbc:sqlite:" + file);
    }
}
