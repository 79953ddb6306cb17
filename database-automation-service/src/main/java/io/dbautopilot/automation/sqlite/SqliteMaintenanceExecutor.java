package io.dbautopilot.automation.sqlite;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.execute.LockUnavailable;
import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationExecutor;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.OperationsConfig;
import io.dbautopilot.automation.operation.Outcome;
import io.dbautopilot.model.Engine;
import io.dbautopilot.support.retry.Retry;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static io.dbautopilot.automation.execute.Effects.verified;

/**
 * Maintenance of SQLite files, always the whole database: {@code VACUUM} (deferred while the file's filesystem has
 * less free space than the file and its WAL; verified by {@code freelist_count} falling), {@code PRAGMA optimize}
 * then {@code ANALYZE} (verified by {@code sqlite_stat1} rows present) and {@code PRAGMA wal_checkpoint(TRUNCATE)}
 * (verified by the {@code -wal} file shrinking; a busy checkpoint is deferred as such). A lock the application holds
 * past the busy timeout (the database's lock timeout) is retried with the operation's back-off, then deferred.
 */
@ApplicationScoped
public class SqliteMaintenanceExecutor implements OperationExecutor {

    /** SQLite primary result codes of a lock held by another connection: SQLITE_BUSY, SQLITE_LOCKED. */
    private static final Set<Integer> BUSY = Set.of(5, 6);

    private final ManagedDatabases databases;
    private final OperationsConfig config;

    public SqliteMaintenanceExecutor(ManagedDatabases databases, OperationsConfig config) {
        this.databases = databases;
        this.config = config;
    }

    @Override
    public Set<OperationType> types() {
        return EnumSet.of(OperationType.VACUUM, OperationType.ANALYZE, OperationType.CHECKPOINT);
    }

    @Override
    public Set<Engine> engines() {
        return EnumSet.of(Engine.SQLITE);
    }

    @Override
    public Outcome execute(ExecutionContext ctx) {
        Operation op = ctx.operation();
        if (!databases.exists(op.targetId())) {
            return new Outcome.Failed("database '" + op.targetId() + "' is not managed ("
                    + databases.notManaged(op.targetId()).orElse("unknown target") + ")", Map.of());
        }
        if (op.object() != null) {
            return new Outcome.Failed("SQLite " + op.type().wire() + " acts on the whole file, not on '" + op.object()
                    + "'; nothing ran", Map.of());
        }
        Path file = Path.of(databases.settings(op.targetId()).url().database());
        try (Connection c = databases.connect(op.targetId(), "op:" + op.id())) {
            return switch (op.type()) {
                case VACUUM -> vacuum(ctx, c, file);
                case ANALYZE -> analyze(ctx, c);
                case CHECKPOINT -> checkpoint(ctx, c, file);
                default -> new Outcome.Failed("not a SQLite maintenance operation: " + op.type().wire(), Map.of());
            };
        } catch (LockUnavailable e) {
            return new Outcome.Deferred(e.getMessage(), e.details());
        } catch (SQLException e) {
            if (ctx.stopRequested()) {
                return new Outcome.Cancelled("cancelled while running: " + e.getMessage());
            }
            return new Outcome.Failed("SQLite error " + e.getErrorCode() + ": " + e.getMessage(), Map.of());
        }
    }

    private Outcome vacuum(ExecutionContext ctx, Connection c, Path file) throws SQLException {
        SqliteFileState before = SqliteFileState.read(c, file);
        long needed = before.fileBytes() + before.walBytes();
        if (before.usableBytes() < needed) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("cause", "precondition");
            details.put("free_disk_bytes", before.usableBytes());
            details.put("file_bytes", before.fileBytes());
            details.put("wal_bytes", before.walBytes());
            details.put("needed_bytes", needed);
            return new Outcome.Deferred("precondition low_disk: " + before.usableBytes() + " bytes free on the "
                    + "filesystem of " + file + ", VACUUM needs the file's " + before.fileBytes() + " bytes plus its WAL's "
                    + before.walBytes() + " = " + needed, details);
        }
        run(ctx, c, "VACUUM");
        SqliteFileState after = SqliteFileState.read(c, file);
        Map<String, Object> effect = new LinkedHashMap<>(before.describe("before"));
        effect.putAll(after.describe("after"));
        effect.put("free_disk_bytes_before", before.usableBytes());
        boolean ok = after.freelistCount() < before.freelistCount()
                || before.freelistCount() == 0 && after.freelistCount() == 0;
        return verified(ok, "VACUUM", effect, "freelist_count did not fall (" + before.freelistCount() + " -> "
                + after.freelistCount() + ")");
    }

    private Outcome analyze(ExecutionContext ctx, Connection c) throws SQLException {
        long tables = count(c, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
        String statBefore = stat1(c);
        run(ctx, c, "PRAGMA optimize");
        run(ctx, c, "ANALYZE");
        String statAfter = stat1(c);
        long rows = count(c, "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'") == 0 ? 0
                : count(c, "SELECT count(*) FROM sqlite_stat1");
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("tables", tables);
        effect.put("sqlite_stat1_rows_after", rows);
        effect.put("sqlite_stat1_changed", !statBefore.equals(statAfter));
        return verified(rows > 0 || tables == 0, "PRAGMA optimize; ANALYZE", effect,
                "sqlite_stat1 has no rows after ANALYZE of " + tables + " tables");
    }

    private Outcome checkpoint(ExecutionContext ctx, Connection c, Path file) throws SQLException {
        SqliteFileState before = SqliteFileState.read(c, file);
        if (!"wal".equalsIgnoreCase(before.journalMode())) {
            return new Outcome.Failed("journal_mode of " + file + " is " + before.journalMode()
                    + ", not wal: there is no write-ahead log to checkpoint", Map.of("journal_mode", before.journalMode()));
        }
        String sql = "PRAGMA wal_checkpoint(TRUNCATE)";
        long busy;
        long log;
        long checkpointed;
        try (Statement st = c.createStatement()) {
            ctx.executing(st);
            try (ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                busy = rs.getLong(1);
                log = rs.getLong(2);
                checkpointed = rs.getLong(3);
            } finally {
                ctx.executing(null);
            }
        }
        long walAfter = SqliteFileState.walBytes(file);
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("wal_bytes_before", before.walBytes());
        effect.put("wal_bytes_after", walAfter);
        effect.put("busy", busy);
        effect.put("log_frames", log);
        effect.put("checkpointed_frames", checkpointed);
        if (busy != 0) {
            effect.put("cause", "checkpoint_busy");
            effect.put("statement", sql);
            return new Outcome.Deferred("wal_checkpoint(TRUNCATE) of " + file + " was busy: a reader or writer of the "
                    + "application kept it from completing within the busy timeout (" + checkpointed + " of " + log
                    + " frames checkpointed); the WAL stays " + walAfter + " bytes", effect);
        }
        boolean ok = walAfter < before.walBytes() || before.walBytes() == 0 && walAfter == 0;
        return verified(ok, sql, effect, "the WAL did not shrink (" + before.walBytes() + " -> " + walAfter + " bytes)");
    }

    /** Runs one statement, retrying a busy database with the operation's lock back-off, then deferring. */
    private void run(ExecutionContext ctx, Connection c, String sql) throws SQLException {
        try {
            Retry.run(config.lockBackoff(), SQLException.class, e -> busy(e) && !ctx.stopRequested(), ctx::stopRequested,
                    (e, retry, wait) -> ctx.progress("database busy (" + e.getMessage() + ") for " + sql + ", attempt "
                            + retry + " of " + (config.lockRetries() + 1) + "; retrying in " + wait.toMillis() + " ms",
                            Map.of("cause", "busy", "statement", sql)),
                    attempt -> {
                        try (Statement st = c.createStatement()) {
                            ctx.executing(st);
                            try {
                                st.execute(sql);
                            } finally {
                                ctx.executing(null);
                            }
                        }
                        return null;
                    });
        } catch (SQLException e) {
            if (!busy(e) || ctx.stopRequested()) {
                throw e;
            }
            throw new LockUnavailable("the database stayed busy (locked by the application) for " + sql + " "
                    + (config.lockRetries() + 1) + " times in a row; deferred",
                    Map.of("cause", "busy", "statement", sql, "error", String.valueOf(e.getMessage())));
        }
    }

    private static boolean busy(SQLException e) {
        return BUSY.contains(e.getErrorCode() & 0xff);
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** The content of {@code sqlite_stat1} as text (empty when the table does not exist). */
    private static String stat1(Connection c) throws SQLException {
        if (count(c, "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'") == 0) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT tbl, idx, stat FROM sqlite_stat1 ORDER BY tbl, idx")) {
            while (rs.next()) {
                b.append(rs.getString(1)).append('|').append(rs.getString(2)).append('|').append(rs.getString(3)).append('\n');
            }
        }
        return b.toString();
    }
}
