package io.dbautopilot.automation.mysql;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Object names of MySQL / MariaDB targets as events and the API give them ({@code schema.table}): only plain
 * identifiers (letters, digits, {@code _ $ -}, 1 to 64 characters per part) are accepted; anything else is refused
 * before any lookup. An accepted name still has to exist in {@code information_schema} ({@link MySqlCatalog}) and is
 * quoted with backticks ({@link #quote}) when it reaches a statement.
 */
public final class MySqlNames {

    private static final Pattern PART = Pattern.compile("[\\p{L}\\p{N}_$\\-]{1,64}");

    /** A table's schema and name. */
    public record TableName(String schema, String table) {
        /** {@code `schema`.`table`}. */
        public String quoted() {
            return quote(schema) + "." + quote(table);
        }

        /** {@code schema.table}. */
        public String qualified() {
            return schema + "." + table;
        }
    }

    /** An index's table and name ({@code schema.table.index}: MySQL index names are per table). */
    public record IndexName(TableName table, String index) {
        /** {@code schema.table.index}. */
        public String qualified() {
            return table.qualified() + "." + index;
        }
    }

    private MySqlNames() {
    }

    /** {@code schema.table.index} when it is three plain identifiers; empty otherwise. */
    public static Optional<IndexName> index(String object) {
        if (object == null) {
            return Optional.empty();
        }
        String[] parts = object.split("\\.", -1);
        if (parts.length != 3 || !PART.matcher(parts[2]).matches()) {
            return Optional.empty();
        }
        return table(parts[0] + "." + parts[1]).map(t -> new IndexName(t, parts[2]));
    }

    /** Whether a column name is a plain identifier (it must still exist in information_schema.COLUMNS). */
    public static boolean plain(String identifier) {
        return identifier != null && PART.matcher(identifier).matches();
    }

    /** Why an object is not an index name this service acts on. */
    public static String indexRefusal(String object) {
        return "object '" + printable(object) + "' is not a MySQL index name this service acts on (schema.table.index, "
                + "each part 1-64 letters, digits, _ $ -)";
    }

    /** {@code schema.table} when it is two plain identifiers; empty otherwise. */
    public static Optional<TableName> table(String object) {
        if (object == null) {
            return Optional.empty();
        }
        String[] parts = object.split("\\.", -1);
        if (parts.length != 2 || !PART.matcher(parts[0]).matches() || !PART.matcher(parts[1]).matches()) {
            return Optional.empty();
        }
        return Optional.of(new TableName(parts[0], parts[1]));
    }

    /** Why an object is not a table name this service acts on. */
    public static String refusal(String object) {
        return "object '" + printable(object) + "' is not a MySQL table name this service acts on (schema.table, each "
                + "part 1-64 letters, digits, _ $ -)";
    }

    /** A backtick-quoted identifier (backticks doubled). */
    public static String quote(String identifier) {
        return "`" + identifier.replace("`", "``") + "`";
    }

    private static String printable(String s) {
        if (s == null) {
            return "null";
        }
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
