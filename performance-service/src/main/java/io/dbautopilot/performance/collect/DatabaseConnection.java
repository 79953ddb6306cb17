package io.dbautopilot.performance.collect;

import io.vertx.mutiny.sqlclient.SqlConnection;

import java.util.concurrent.atomic.AtomicBoolean;

/** A connection to one database of a target that knows whether the server or network closed it. */
final class DatabaseConnection {

    private final SqlConnection connection;
    private final AtomicBoolean closed = new AtomicBoolean();

    DatabaseConnection(SqlConnection connection) {
        this.connection = connection;
        connection.closeHandler(() -> closed.set(true));
    }

    /** The connection. */
    SqlConnection connection() {
        return connection;
    }

    /** Whether it is still open. */
    boolean open() {
        return !closed.get();
    }

    /** Closes it (once). */
    void close() {
        if (closed.compareAndSet(false, true)) {
            connection.closeAndForget();
        }
    }
}
