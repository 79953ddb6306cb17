package io.dbautopilot.automation.maintenance;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.OperationsConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Watches a running VACUUM, ANALYZE, REINDEX or CREATE INDEX through PostgreSQL's own progress views
 * ({@code pg_stat_progress_vacuum}, {@code _analyze}, {@code _create_index}) from a second connection, and publishes
 * the phase and percentage as {@code progress} operation events while the statement runs.
 */
@ApplicationScoped
public class MaintenanceProgress {

    private static final Logger LOG = Logger.getLogger(MaintenanceProgress.class);

    /** The backend's row in whichever progress view it is in: command, phase, relation, work done and total. */
    static final String SQL = """
            SELECT 'VACUUM' AS command, phase, relid::regclass::text AS relation, heap_blks_total AS total,
                   CASE phase WHEN 'vacuuming heap' THEN heap_blks_vacuumed ELSE heap_blks_scanned END AS done,
                   'blocks' AS unit
              FROM pg_stat_progress_vacuum WHERE pid = ?
            UNION ALL
            SELECT command, phase, relid::regclass::text,
                   CASE WHEN blocks_total > 0 THEN blocks_total ELSE tuples_total END,
                   CASE WHEN blocks_total > 0 THEN blocks_done ELSE tuples_done END,
                   CASE WHEN blocks_total > 0 THEN 'blocks' ELSE 'tuples' END
              FROM pg_stat_progress_create_index WHERE pid = ?
            UNION ALL
            SELECT 'ANALYZE', phase, relid::regclass::text, sample_blks_total, sample_blks_scanned, 'blocks'
              FROM pg_stat_progress_analyze WHERE pid = ?""";

    private final ManagedDatabases databases;
    private final OperationsConfig config;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "maintenance-progress");
        t.setDaemon(true);
        return t;
    });

    public MaintenanceProgress(ManagedDatabases databases, OperationsConfig config) {
        this.databases = databases;
        this.config = config;
    }

    /** A running watch; closing it stops the polling and closes its connection. */
    public final class Watch implements AutoCloseable {
        private final ExecutionContext ctx;
        private final String databaseId;
        private final int pid;
        private ScheduledFuture<?> future;
        private Connection connection;
        private String last;

        private Watch(ExecutionContext ctx, String databaseId, int pid) {
            this.ctx = ctx;
            this.databaseId = databaseId;
            this.pid = pid;
        }

        private void tick() {
            try {
                if (connection == null) {
                    connection = databases.connect(databaseId, "progress:" + ctx.operation().id());
                }
                try (PreparedStatement st = connection.prepareStatement(SQL)) {
                    st.setInt(1, pid);
                    st.setInt(2, pid);
                    st.setInt(3, pid);
                    try (ResultSet rs = st.executeQuery()) {
                        if (rs.next()) {
                            report(rs.getString("command"), rs.getString("phase"), rs.getString("relation"),
                                    rs.getLong("done"), rs.getLong("total"), rs.getString("unit"));
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                LOG.debugf("Progress of operation %s not readable: %s", ctx.operation().id(), e.getMessage());
                closeConnection();
            }
        }

        private void report(String command, String phase, String relation, long done, long total, String unit) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("command", command);
            details.put("phase", phase);
            details.put("relation", relation);
            String amount = "";
            if (total > 0) {
                int percent = (int) Math.min(100, done * 100 / total);
                details.put("percent", percent);
                details.put(unit + "_done", done);
                details.put(unit + "_total", total);
                amount = String.format(Locale.ROOT, " %d%% (%,d of %,d %s)", percent, done, total, unit);
            }
            String reason = command + (relation == null ? "" : " " + relation) + ": " + phase + amount;
            if (!reason.equals(last)) {
                last = reason;
                ctx.progress(reason, details);
            }
        }

        private void closeConnection() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // the watch ends either way
                }
                connection = null;
            }
        }

        @Override
        public void close() {
            if (future != null) {
                future.cancel(false);
                ticker.execute(this::closeConnection); // after a tick that may be running: one ticker thread
            }
        }
    }

    /** Starts watching the backend {@code pid} of the operation; a zero progress interval turns watching off. */
    public Watch watch(ExecutionContext ctx, String databaseId, int pid) {
        Watch w = new Watch(ctx, databaseId, pid);
        long every = config.progressInterval().toMillis();
        if (every > 0) {
            w.future = ticker.scheduleWithFixedDelay(w::tick, every, every, TimeUnit.MILLISECONDS);
        }
        return w;
    }

    @PreDestroy
    void stop() {
        ticker.shutdownNow();
    }
}
