package io.dbautopilot.automation.tune;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One row of the target's {@code pg_settings}: what a tune's value is checked against (type, unit, range, context).
 *
 * @param name     the setting's name as the server spells it
 * @param setting  current value in {@code unit}s
 * @param unit     unit of {@code setting} ({@code kB}, {@code 8kB}, {@code ms}...); null when unitless
 * @param vartype  bool, integer, real, string or enum
 * @param context  when it can change: user and sighup by a reload, postmaster only by a restart
 * @param minVal   lowest value in {@code unit}s; null when none
 * @param maxVal   highest value in {@code unit}s; null when none
 * @param enumVals allowed values of an enum
 */
public record PgSetting(String name, String setting, String unit, String vartype, String context, String minVal,
                        String maxVal, List<String> enumVals) {

    private static final String SQL = """
            SELECT name, setting, unit, vartype, context, min_val, max_val, enumvals
              FROM pg_settings WHERE name = lower(?)""";

    /** The setting named (case-insensitively); empty when the server has none of that name. */
    public static Optional<PgSetting> find(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SQL)) {
            ps.setString(1, name.trim());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                java.sql.Array values = rs.getArray(8);
                List<String> enums = values == null ? List.of()
                        : Arrays.stream((Object[]) values.getArray()).map(String::valueOf).toList();
                return Optional.of(new PgSetting(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), enums));
            }
        }
    }

    /** Whether a reload applies it (context sighup or user, not superuser-only or postmaster). */
    public boolean reloadable() {
        return "sighup".equals(context) || "user".equals(context);
    }

    /** Whether only a restart applies it. */
    public boolean needsRestart() {
        return "postmaster".equals(context);
    }

    /** The current value with its unit, e.g. {@code 4096 kB}. */
    public String display() {
        return unit == null ? setting : setting + " " + unit;
    }

    /** The value set in {@code postgresql.auto.conf} (by ALTER SYSTEM); empty when it is not set there. */
    public static Optional<String> autoConf(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT setting FROM pg_file_settings
                 WHERE name = ? AND sourcefile LIKE '%postgresql.auto.conf' ORDER BY seqno DESC LIMIT 1""")) {
            ps.setString(1, name.toLowerCase(Locale.ROOT));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
