package io.dbautopilot.automation.migration;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a PostgreSQL script into statements without comments (respecting quoted strings and identifiers, dollar
 * quotes, nested block comments), for the {@link MigrationLint}; function bodies stay inside their statement. With
 * {@link #splitMySql} the MySQL / MariaDB dialect: backtick identifiers, {@code #} comments, backslash escapes in
 * strings, no dollar quotes (for undo scripts, which Connector/J runs one statement at a time; no {@code DELIMITER}).
 */
final class SqlStatements {

    private SqlStatements() {
    }

    /** The statements of {@code sql}, comments replaced by a space, trimmed, empty ones dropped. */
    static List<String> split(String sql) {
        return split(sql, false);
    }

    /** The statements of a MySQL / MariaDB script, comments replaced by a space, trimmed, empty ones dropped. */
    static List<String> splitMySql(String sql) {
        return split(sql, true);
    }

    private static List<String> split(String sql, boolean mysql) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-' || mysql && c == '#') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end;
                current.append(' ');
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int depth = 1;
                i += 2;
                while (i < n && depth > 0) {
                    if (sql.startsWith("/*", i)) {
                        depth++;
                        i += 2;
                    } else if (sql.startsWith("*/", i)) {
                        depth--;
                        i += 2;
                    } else {
                        i++;
                    }
                }
                current.append(' ');
            } else if (c == '\'' || c == '"' || mysql && c == '`') {
                int end = i + 1;
                while (end < n) {
                    if (mysql && c != '`' && sql.charAt(end) == '\\') {
                        end += 2;
                        continue;
                    }
                    if (sql.charAt(end) == c) {
                        if (end + 1 < n && sql.charAt(end + 1) == c) {
                            end += 2;
                            continue;
                        }
                        break;
                    }
                    end++;
                }
                end = Math.min(end + 1, n);
                current.append(sql, i, end);
                i = end;
            } else if (!mysql && c == '$' && dollarTag(sql, i) != null) {
                String tag = dollarTag(sql, i);
                int end = sql.indexOf(tag, i + tag.length());
                end = end < 0 ? n : end + tag.length();
                current.append(sql, i, end);
                i = end;
            } else if (c == ';') {
                add(out, current, mysql);
                i++;
            } else {
                current.append(c);
                i++;
            }
        }
        add(out, current, mysql);
        return out;
    }

    /** The dollar-quote tag starting at {@code i} ({@code $$} or {@code $name$}), or null. */
    private static String dollarTag(String sql, int i) {
        int j = i + 1;
        while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
            j++;
        }
        if (j < sql.length() && sql.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(sql.charAt(i + 1)))) {
            return sql.substring(i, j + 1);
        }
        return null;
    }

    /** Adds the statement; whitespace is collapsed for the lint only (statements that run keep their literals). */
    private static void add(List<String> out, StringBuilder current, boolean verbatim) {
        String s = verbatim ? current.toString().strip() : current.toString().strip().replaceAll("\\s+", " ");
        if (!s.isEmpty()) {
            out.add(s);
        }
        current.setLength(0);
    }
}
