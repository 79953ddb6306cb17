package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.database.ManagedDatabases;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the lock-taking and rewriting DDL of pending migrations before they are applied, judged against the target's
 * live catalog: {@code CREATE INDEX} without {@code CONCURRENTLY} on a large table (pg_class reltuples / size, limits
 * in {@code autopilot.migrations.lint.*}), {@code ALTER COLUMN ... TYPE} (may rewrite the table under an ACCESS
 * EXCLUSIVE lock), {@code ADD COLUMN} with a volatile default (a function pg_proc marks volatile, or a serial type:
 * rewrites the table), {@code SET NOT NULL} without a validated {@code CHECK (col IS NOT NULL)} (scans the table
 * under the lock) and the other table rewrites ({@code SET TABLESPACE}, {@code SET LOGGED / UNLOGGED},
 * {@code CLUSTER}, {@code VACUUM FULL}). Only tables that exist now count (a table the same migrations create is empty). The dry run lists
 * the findings, and an apply with findings waits for an operator's approval. PostgreSQL targets only: MySQL /
 * MariaDB scripts get no findings.
 */
@ApplicationScoped
public class MigrationLint {

    private static final String IDENT = "(?:\"(?:[^\"]|\"\")+\"|[a-z_][a-z0-9_$]*)";
    private static final String NAME = "(" + IDENT + "(?:\\s*\\.\\s*" + IDENT + ")?)";
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.DOTALL;
    private static final Pattern CREATE_INDEX = Pattern.compile("^create\\s+(?:unique\\s+)?index\\s+(concurrently\\s+)?"
            + "(?:if\\s+not\\s+exists\\s+)?(?:(?!on\\s)" + IDENT + "\\s+)?on\\s+(?:only\\s+)?" + NAME + ".*", FLAGS);
    private static final Pattern ALTER_TABLE = Pattern.compile(
            "^alter\\s+table\\s+(?:if\\s+exists\\s+)?(?:only\\s+)?" + NAME + "\\s+(.*)$", FLAGS);
    private static final Pattern ALTER_TYPE = Pattern.compile(
            "^alter\\s+(?:column\\s+)?(" + IDENT + ")\\s+(?:set\\s+data\\s+)?type\\s.*", FLAGS);
    private static final Pattern SET_NOT_NULL = Pattern.compile(
            "^alter\\s+(?:column\\s+)?(" + IDENT + ")\\s+set\\s+not\\s+null\\s*$", FLAGS);
    private static final Pattern ADD_COLUMN = Pattern.compile(
            "^add\\s+(?:column\\s+)?(?:if\\s+not\\s+exists\\s+)?(?!(?:constraint|primary|unique|check|foreign|exclude)\\s)("
                    + IDENT + ")\\s+(.*)$", FLAGS);
    private static final Pattern ADD_CHECK = Pattern.compile("^add\\s+constraint\\s+(" + IDENT
            + ")\\s+check\\s*\\(\\s*\\(?\\s*(" + IDENT + ")\\s+is\\s+not\\s+null\\s*\\)?\\s*\\)\\s*(not\\s+valid)?\\s*$", FLAGS);
    private static final Pattern VALIDATE = Pattern.compile("^validate\\s+constraint\\s+(" + IDENT + ")\\s*$", FLAGS);
    private static final Pattern SERIAL = Pattern.compile("^(?:small|big)?serial\\b.*|^serial[248]\\b.*", FLAGS);
    private static final Pattern GENERATED_STORED = Pattern.compile(".*\\bgenerated\\s+always\\s+as\\s*\\(.*\\)\\s*stored\\b.*", FLAGS);
    private static final Pattern DEFAULT = Pattern.compile(".*?\\bdefault\\s+(.*)$", FLAGS);
    private static final Pattern CALL = Pattern.compile("(" + IDENT + ")\\s*\\(", FLAGS);
    private static final Pattern CLUSTER = Pattern.compile("^cluster\\s+(?:\\([^)]*\\)\\s*)?(?:verbose\\s+)?" + NAME
            + "(?:\\s+using\\s+.*)?$", FLAGS);
    private static final Pattern VACUUM_FULL = Pattern.compile("^vacuum\\s+(?:\\([^)]*\\bfull\\b[^)]*\\)|full\\b"
            + "(?:\\s+(?:freeze|verbose|analyze))*)\\s*" + NAME + ".*$", FLAGS);
    private static final Pattern SET_REWRITE = Pattern.compile("^set\\s+(tablespace\\s+\\S+|logged|unlogged)\\s*$", FLAGS);
    private static final int MAX_STATEMENT = 200;

    /** A script to lint: a pending migration's version, script name and SQL. */
    public record Script(String version, String name, String sql) {
    }

    private final MigrationsConfig config;
    private final MigrationFlyway flyways;
    private final ManagedDatabases databases;

    public MigrationLint(MigrationsConfig config, MigrationFlyway flyways, ManagedDatabases databases) {
        this.config = config;
        this.flyways = flyways;
        this.databases = databases;
    }

    /**
     * Lints the scripts against the target's catalog on a connection of its own; when the catalog cannot be read, one
     * {@code lint_unavailable} finding (fails closed: the apply waits for approval).
     */
    public List<LintFinding> lint(String id, List<Script> scripts) {
        if (scripts.isEmpty() || !postgres(id)) {
            return List.of();
        }
        try (Connection c = databases.connect(id, "migrations lint")) {
            return lint(c, id, scripts);
        } catch (SQLException e) {
            return List.of(new LintFinding(scripts.get(0).version(), scripts.get(0).name(), "lint_unavailable", null, null,
                    "the catalog of '" + id + "' could not be read (SQLSTATE " + e.getSQLState() + "), so the scripts "
                            + "could not be judged: an apply waits for approval"));
        }
    }

    /**
     * Whether the lint applies: it reads PostgreSQL's catalog (lock levels, CONCURRENTLY, rewrites); MySQL / MariaDB and
     * SQLite scripts get no findings (docs/migrations.md; a SQLite migration locks the whole file whatever it does).
     */
    private boolean postgres(String id) {
        return databases.engineOf(id).map(e -> e == io.dbautopilot.model.Engine.POSTGRESQL).orElse(true);
    }

    /** Lints the scripts, in order, against the catalog read through {@code c}. */
    public List<LintFinding> lint(Connection c, String id, List<Script> scripts) throws SQLException {
        if (!postgres(id)) {
            return List.of();
        }
        Optional<String> schema = flyways.configured(id) ? flyways.settings(id).schema() : Optional.empty();
        List<LintFinding> out = new ArrayList<>();
        Set<String> pendingChecks = new HashSet<>();
        Set<String> validatedColumns = new HashSet<>();
        for (Script script : scripts) {
            if (script.sql() == null) {
                continue;
            }
            for (String statement : SqlStatements.split(script.sql())) {
                lintStatement(c, schema, script, statement, out, pendingChecks, validatedColumns);
            }
        }
        return out;
    }

    private void lintStatement(Connection c, Optional<String> schema, Script script, String statement,
                               List<LintFinding> out, Set<String> pendingChecks, Set<String> validatedColumns)
            throws SQLException {
        Matcher index = CREATE_INDEX.matcher(statement);
        if (index.matches()) {
            if (index.group(1) == null) {
                String table = index.group(2);
                Optional<Size> size = size(c, schema, table);
                if (size.isPresent() && large(size.get())) {
                    out.add(finding(script, "create_index_not_concurrently", table, statement, "CREATE INDEX without "
                            + "CONCURRENTLY blocks every write to " + table + " while it builds; the table is large ("
                            + size.get() + "; autopilot.migrations.lint.large-table-rows / large-table-pages). Use "
                            + "CREATE INDEX CONCURRENTLY in a script of its own"));
                }
            }
            return;
        }
        Matcher rewrite = CLUSTER.matcher(statement);
        if (!rewrite.matches()) {
            rewrite = VACUUM_FULL.matcher(statement);
        }
        if (rewrite.matches()) {
            String table = rewrite.group(1);
            Optional<Size> size = size(c, schema, table);
            if (size.isPresent()) {
                out.add(finding(script, "table_rewrite", table, statement, statement.split("\\s+")[0].toUpperCase(Locale.ROOT)
                        + " rewrites all of " + table + " and its indexes under an ACCESS EXCLUSIVE lock (" + size.get()
                        + "): reads and writes wait until it ends. Run it in a maintenance window, or use pg_repack"));
            }
            return;
        }
        Matcher alter = ALTER_TABLE.matcher(statement);
        if (!alter.matches()) {
            return;
        }
        String table = alter.group(1);
        Optional<Size> size = size(c, schema, table);
        for (String action : actions(alter.group(2))) {
            Matcher check = ADD_CHECK.matcher(action);
            if (check.matches()) {
                String column = key(table, check.group(2));
                if (check.group(3) == null) {
                    validatedColumns.add(column);
                } else {
                    pendingChecks.add(key(table, check.group(1)) + "=" + column);
                }
                continue;
            }
            Matcher validate = VALIDATE.matcher(action);
            if (validate.matches()) {
                String prefix = key(table, validate.group(1)) + "=";
                pendingChecks.stream().filter(p -> p.startsWith(prefix))
                        .forEach(p -> validatedColumns.add(p.substring(prefix.length())));
                continue;
            }
            if (size.isEmpty()) {
                continue; // created by these migrations (or not there at all): nothing to lock or rewrite yet
            }
            Matcher set = SET_REWRITE.matcher(action);
            if (set.matches()) {
                out.add(finding(script, "table_rewrite", table, statement, "SET " + set.group(1).toUpperCase(Locale.ROOT)
                        + " rewrites all of " + table + " (and its indexes) under an ACCESS EXCLUSIVE lock (" + size.get()
                        + "): reads and writes wait until it ends. Run it in a maintenance window"));
                continue;
            }
            Matcher type = ALTER_TYPE.matcher(action);
            if (type.matches()) {
                out.add(finding(script, "alter_column_type", table, statement, "ALTER COLUMN " + type.group(1)
                        + " TYPE takes an ACCESS EXCLUSIVE lock on " + table + " and rewrites it (and its indexes) unless "
                        + "the new type is binary-compatible (" + size.get() + "). Add a new column, backfill in "
                        + "batches and switch over instead"));
                continue;
            }
            Matcher notNull = SET_NOT_NULL.matcher(action);
            if (notNull.matches()) {
                String column = notNull.group(1);
                if (!validatedColumns.contains(key(table, column)) && !validatedCheck(c, schema, table, column)) {
                    out.add(finding(script, "set_not_null_without_check", table, statement, "SET NOT NULL on "
                            + column + " scans all of " + table + " under an ACCESS EXCLUSIVE lock (" + size.get()
                            + "). First ADD CONSTRAINT ... CHECK (" + column + " IS NOT NULL) NOT VALID, then VALIDATE "
                            + "CONSTRAINT (no write lock), then SET NOT NULL uses the validated check"));
                }
                continue;
            }
            Matcher add = ADD_COLUMN.matcher(action);
            if (add.matches()) {
                String definition = add.group(2);
                String why = volatileDefault(c, definition);
                if (why != null) {
                    out.add(finding(script, "add_column_volatile_default", table, statement, "ADD COLUMN "
                            + add.group(1) + " with " + why + " rewrites all of " + table + " under an ACCESS EXCLUSIVE "
                            + "lock (" + size.get() + "). Add the column without default (or with a constant one), then "
                            + "fill it in batches"));
                }
            }
        }
    }

    /** Why a column definition makes PostgreSQL rewrite the table, or null: a volatile default, serial, stored generated. */
    private static String volatileDefault(Connection c, String definition) throws SQLException {
        if (SERIAL.matcher(definition).matches()) {
            return "a serial type (default nextval(), volatile)";
        }
        if (GENERATED_STORED.matcher(definition).matches()) {
            return "a stored generated column";
        }
        Matcher d = DEFAULT.matcher(definition);
        if (!d.matches()) {
            return null;
        }
        Set<String> functions = new LinkedHashSet<>();
        Matcher call = CALL.matcher(d.group(1));
        while (call.find()) {
            functions.add(unquote(call.group(1)));
        }
        if (functions.isEmpty()) {
            return null;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT proname FROM pg_proc WHERE proname = ANY (?) AND provolatile = 'v' ORDER BY 1")) {
            Array names = c.createArrayOf("text", functions.toArray());
            ps.setArray(1, names);
            List<String> volatileOnes = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    volatileOnes.add(rs.getString(1) + "()");
                }
            }
            return volatileOnes.isEmpty() ? null : "the volatile default " + String.join(", ", volatileOnes);
        }
    }

    /** The table's live size, or empty when it does not exist. */
    private static Optional<Size> size(Connection c, Optional<String> schema, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT c.reltuples::bigint, greatest(c.relpages::bigint,
                       pg_relation_size(c.oid) / current_setting('block_size')::bigint)
                  FROM pg_class c WHERE c.oid = to_regclass(?)""")) {
            ps.setString(1, qualified(schema, table));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Size(rs.getLong(1), rs.getLong(2))) : Optional.empty();
            }
        }
    }

    /** Whether the table has a validated {@code CHECK (column IS NOT NULL)}. */
    private static boolean validatedCheck(Connection c, Optional<String> schema, String table, String column)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT pg_get_constraintdef(oid) FROM pg_constraint
                 WHERE conrelid = to_regclass(?) AND contype = 'c' AND convalidated""")) {
            ps.setString(1, qualified(schema, table));
            String wanted = "(" + unquote(column) + " IS NOT NULL)";
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String def = rs.getString(1).replace("\"", "");
                    if (def.equals("CHECK (" + wanted + ")") || def.equals("CHECK " + wanted)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private boolean large(Size size) {
        return size.rows() >= config.lint().largeTableRows() || size.pages() >= config.lint().largeTablePages();
    }

    /** Live size of a table: estimated rows (pg_class.reltuples, -1 when never analyzed) and 8 KiB pages. */
    private record Size(long rows, long pages) {
        @Override
        public String toString() {
            return (rows < 0 ? "rows not yet estimated" : "~" + rows + " rows") + ", " + pages + " pages";
        }
    }

    /** The ALTER TABLE action list split at top-level commas. */
    static List<String> actions(String list) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        StringBuilder b = new StringBuilder();
        for (char ch : list.toCharArray()) {
            if (ch == '\'' || ch == '"') {
                quoted = !quoted;
            } else if (!quoted && ch == '(') {
                depth++;
            } else if (!quoted && ch == ')') {
                depth--;
            } else if (!quoted && depth == 0 && ch == ',') {
                out.add(b.toString().strip());
                b.setLength(0);
                continue;
            }
            b.append(ch);
        }
        out.add(b.toString().strip());
        return out;
    }

    /** The table name as the scripts' search path resolves it: unqualified names in the configured schema. */
    private static String qualified(Optional<String> schema, String table) {
        return table.contains(".") || schema.isEmpty() ? table : schema.get() + "." + table;
    }

    private static String key(String table, String name) {
        return unquote(table.replaceAll("\\s", "")) + "/" + unquote(name);
    }

    /** An identifier as PostgreSQL stores it: quoted ones as written, unquoted ones folded to lower case. */
    private static String unquote(String ident) {
        if (ident.startsWith("\"") && ident.endsWith("\"") && ident.length() > 1) {
            return ident.substring(1, ident.length() - 1).replace("\"\"", "\"");
        }
        return ident.toLowerCase(Locale.ROOT);
    }

    private static LintFinding finding(Script script, String rule, String table, String statement, String detail) {
        String shown = statement.length() > MAX_STATEMENT ? statement.substring(0, MAX_STATEMENT) + "..." : statement;
        return new LintFinding(script.version(), script.name(), rule, table, shown, detail);
    }
}
