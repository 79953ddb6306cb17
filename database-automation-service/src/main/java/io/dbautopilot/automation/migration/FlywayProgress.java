package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.operation.ExecutionContext;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.jboss.logging.Logger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static io.dbautopilot.automation.migration.MigrationTexts.version;

/**
 * Follows Flyway's progress in one apply run: the migration running now (for retry and failure texts), its backend
 * (so a cancel reaches it), and a progress event per migration.
 */
final class FlywayProgress implements Callback {

    private static final Logger LOG = Logger.getLogger(FlywayProgress.class);

    private final ExecutionContext ctx;
    private final AtomicReference<MigrationInfo> current = new AtomicReference<>();

    FlywayProgress(ExecutionContext ctx) {
        this.ctx = ctx;
    }

    /** The migration Flyway started last; null before the first. */
    MigrationInfo current() {
        return current.get();
    }

    @Override
    public boolean supports(Event event, Context context) {
        return event == Event.BEFORE_EACH_MIGRATE;
    }

    @Override
    public boolean canHandleInTransaction(Event event, Context context) {
        return true;
    }

    @Override
    public void handle(Event event, Context context) {
        MigrationInfo mi = context.getMigrationInfo();
        current.set(mi);
        try {
            String product = context.getConnection().getMetaData().getDatabaseProductName();
            // SQLite has no server backend to name; MySQL / MariaDB's is the connection id
            if (!"SQLite".equals(product)) {
                try (PreparedStatement ps = context.getConnection().prepareStatement(
                        MigrationTexts.postgres(context.getConnection()) ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()");
                     ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        ctx.backendStarted(rs.getInt(1));
                    }
                }
            }
        } catch (SQLException e) {
            LOG.debugf("backend pid of the migration connection unknown: %s", e.getMessage());
        }
        ctx.progress("applying version " + version(mi) + " (" + mi.getScript() + ")",
                Map.of("version", String.valueOf(version(mi)), "script", mi.getScript()));
    }

    @Override
    public String getCallbackName() {
        return "db-autopilot-progress";
    }
}
