package io.dbautopilot.automation.operation;

import io.dbautopilot.automation.maintenance.IndexCatalog;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The statement an operation's executor would send, rendered without touching the target (for trust {@code observe}):
 * names are quoted as the server's {@code quote_ident} does; the executor would re-check them in the catalog first.
 */
public final class PlannedStatement {

    private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_$]*");

    /** Keywords {@code quote_ident} quotes (reserved, and column-name / type-function keywords). */
    private static final Set<String> KEYWORDS = Set.of("all", "analyse", "analyze", "and", "any", "array", "as", "asc",
            "asymmetric", "authorization", "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast",
            "char", "character", "check", "coalesce", "collate", "collation", "column", "concurrently", "constraint",
            "create", "cross", "current_catalog", "current_date", "current_role", "current_schema", "current_time",
            "current_timestamp", "current_user", "dec", "decimal", "default", "deferrable", "desc", "distinct", "do",
            "else", "end", "except", "exists", "extract", "false", "fetch", "float", "for", "foreign", "freeze", "from",
            "full", "grant", "greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner", "inout",
            "int", "integer", "intersect", "interval", "into", "is", "isnull", "join", "lateral", "leading", "least",
            "left", "like", "limit", "localtime", "localtimestamp", "national", "natural", "nchar", "none", "normalize",
            "not", "notnull", "null", "nullif", "numeric", "offset", "on", "only", "or", "order", "out", "outer",
            "overlaps", "overlay", "placing", "position", "precision", "primary", "real", "references", "returning",
            "right", "row", "select", "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric",
            "system_user", "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat", "trim",
            "true", "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose", "when", "where",
            "window", "with");

    private PlannedStatement() {
    }

    /**
     * The statement {@code n} would run on a target of {@code engine}: MySQL / MariaDB's own for the types their
     * executors run ({@code ANALYZE TABLE `s`.`t`}, {@code KILL ...}), Redis's {@code CLIENT KILL}, SQLite's
     * ({@code VACUUM}, {@code PRAGMA optimize; ANALYZE}, {@code PRAGMA wal_checkpoint(TRUNCATE)}, on the whole file),
     * else {@link #of(NewOperation)}.
     */
    public static String of(NewOperation n, io.dbautopilot.model.Engine engine) {
        if (engine == io.dbautopilot.model.Engine.REDIS && n.type() == OperationType.TERMINATE_IDLE) {
            return "CLIENT KILL ID <id> ADDR <addr> (each normal client idle for over " + limit(n)
                    + " s: not replicas, masters, pub/sub, blocked or this service's clients)";
        }
        if (engine == io.dbautopilot.model.Engine.SQLITE) {
            switch (n.type()) {
                case VACUUM:
                    return "VACUUM (the whole database file, once free disk >= file + WAL size)";
                case ANALYZE:
                    return "PRAGMA optimize; ANALYZE";
                case CHECKPOINT:
                    return "PRAGMA wal_checkpoint(TRUNCATE)";
                default:
                    break;
            }
        }
        if (engine == io.dbautopilot.model.Engine.MYSQL || engine == io.dbautopilot.model.Engine.MARIADB) {
            String table = io.dbautopilot.automation.mysql.MySqlNames.table(n.object())
                    .map(io.dbautopilot.automation.mysql.MySqlNames.TableName::quoted).orElse("<refused name>");
            switch (n.type()) {
                case ANALYZE:
                    return "ANALYZE TABLE " + table;
                case OPTIMIZE:
                    return "OPTIMIZE TABLE " + table;
                case TERMINATE_IDLE:
                    return mysqlBound(n).map(b -> "KILL CONNECTION " + b + " (if still sleeping inside that "
                            + "transaction for over " + limit(n) + " s)").orElse("KILL CONNECTION <id> (each session "
                            + "sleeping inside a transaction for over " + limit(n) + " s)");
                case CANCEL_QUERY:
                    return mysqlBound(n).map(b -> "KILL QUERY " + b + " (if still running that statement for over "
                            + limit(n) + " s)").orElse("KILL QUERY <id> (each statement running for over " + limit(n)
                            + " s)");
                case CREATE_INDEX:
                    return "ALTER TABLE " + table + " ADD INDEX `<table>_<columns>_idx` (" + (n.parameters() != null
                            && n.parameters().get("columns") instanceof java.util.List<?> cols ? String.join(", ", cols.stream()
                            .map(c -> io.dbautopilot.automation.mysql.MySqlNames.quote(String.valueOf(c))).toList())
                            : "<columns>") + "), ALGORITHM=INPLACE, LOCK=NONE";
                case DROP_INDEX:
                    return io.dbautopilot.automation.mysql.MySqlNames.index(n.object()).map(i -> "ALTER TABLE "
                            + i.table().quoted() + " DROP INDEX " + io.dbautopilot.automation.mysql.MySqlNames.quote(
                            i.index()) + ", ALGORITHM=INPLACE, LOCK=NONE").orElse("<refused name>");
                default:
                    break;
            }
        }
        return of(n);
    }

    /** The statement {@code n} would run on PostgreSQL, e.g. {@code VACUUM (ANALYZE) public.orders}. */
    public static String of(NewOperation n) {
        String object = n.object();
        return switch (n.type()) {
            case VACUUM -> "VACUUM (ANALYZE) " + qualified(object);
            case VACUUM_FREEZE -> object == null ? "VACUUM (FREEZE)" : "VACUUM (FREEZE, ANALYZE) " + qualified(object);
            case ANALYZE -> "ANALYZE " + qualified(object);
            case OPTIMIZE -> "OPTIMIZE TABLE " + io.dbautopilot.automation.mysql.MySqlNames.table(object)
                    .map(io.dbautopilot.automation.mysql.MySqlNames.TableName::quoted).orElse("<refused name>");
            case MEMORY_PURGE -> "MEMORY PURGE";
            case CHECKPOINT -> "PRAGMA wal_checkpoint(TRUNCATE)";
            case REINDEX -> "REINDEX INDEX CONCURRENTLY " + qualified(object);
            case DROP_INDEX -> "DROP INDEX CONCURRENTLY " + qualified(object);
            case CREATE_INDEX -> createIndex(n);
            case TERMINATE -> "SELECT pg_terminate_backend(" + object + ", 5000)";
            case TERMINATE_IDLE -> "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE state IN "
                    + "('idle in transaction', 'idle in transaction (aborted)') AND now() - state_change > interval '"
                    + limit(n) + " seconds'";
            case CANCEL_QUERY -> "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE state = 'active' AND "
                    + "now() - query_start > interval '" + limit(n) + " seconds'";
            case PARTITION_CREATE -> "CREATE TABLE ... PARTITION OF " + qualified(object)
                    + " FOR VALUES FROM (...) TO (...) (each missing current and next partition)";
            case PARTITION_DETACH -> "ALTER TABLE " + qualified(object)
                    + " DETACH PARTITION ... CONCURRENTLY (each partition beyond retention)";
            case PARTITION_DROP -> "ALTER TABLE " + qualified(object)
                    + " DETACH PARTITION ... CONCURRENTLY; DROP TABLE ... (each partition beyond retention)";
            case MIGRATE -> "flyway migrate" + (n.parameters() != null && n.parameters().get("target") != null
                    ? " -target=" + n.parameters().get("target") : "") + " (the pending migrations)";
            case MIGRATE_UNDO -> "flyway undo (the latest applied migrations' undo scripts)";
            case BACKUP, BACKUP_VERIFY, RESTORE, RESTORE_DRILL -> n.type().wire() + " (external tool)";
            case TUNE -> "ALTER SYSTEM SET " + ident(object) + " = " + literal(n, "value") + "; SELECT pg_reload_conf()";
            case TUNE_REVERT -> (n.parameters() != null && n.parameters().get("previous_value") != null
                    ? "ALTER SYSTEM SET " + ident(object) + " = " + literal(n, "previous_value")
                    : "ALTER SYSTEM RESET " + ident(object)) + "; SELECT pg_reload_conf()";
        };
    }

    private static String createIndex(NewOperation n) {
        List<String> columns = n.parameters() != null && n.parameters().get("columns") instanceof List<?> l
                ? l.stream().map(String::valueOf).toList() : List.of();
        String table = n.object().contains(".") ? n.object().substring(n.object().indexOf('.') + 1) : n.object();
        return "CREATE INDEX CONCURRENTLY " + ident(IndexCatalog.indexName(table, columns)) + " ON "
                + qualified(n.object()) + " (" + columns.stream().map(PlannedStatement::ident)
                .collect(Collectors.joining(", ")) + ")";
    }

    /** A parameter as a string literal, quoted as {@code quote_literal} would. */
    private static String literal(NewOperation n, String parameter) {
        Object v = n.parameters() == null ? null : n.parameters().get(parameter);
        return v == null ? "<" + parameter + ">" : "'" + String.valueOf(v).replace("'", "''") + "'";
    }

    /** The sessions a MySQL KILL is bound to, e.g. {@code 42 (user app, started at epoch 1764900000)}. */
    private static java.util.Optional<String> mysqlBound(NewOperation n) {
        List<io.dbautopilot.automation.mysql.MySqlSessionRef> bound;
        try {
            bound = io.dbautopilot.automation.mysql.MySqlSessionRef.of(n.parameters());
        } catch (IllegalArgumentException e) {
            return java.util.Optional.empty();
        }
        return bound.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(bound.stream()
                .map(b -> b.id() + " (user " + b.user() + ", started at epoch " + b.started() + ")")
                .collect(Collectors.joining(", ")));
    }

    private static Object limit(NewOperation n) {
        Object limit = n.parameters() == null ? null : n.parameters().get("limit_seconds");
        return limit == null ? "<policy limit>" : limit;
    }

    /** {@code schema.name} with each part quoted as needed. */
    static String qualified(String object) {
        if (object == null) {
            return "";
        }
        int dot = object.indexOf('.');
        return dot < 0 ? ident(object) : ident(object.substring(0, dot)) + "." + ident(object.substring(dot + 1));
    }

    /** One identifier, quoted as {@code quote_ident} would. */
    static String ident(String name) {
        if (PLAIN.matcher(name).matches() && !KEYWORDS.contains(name.toLowerCase(Locale.ROOT))) {
            return name;
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
