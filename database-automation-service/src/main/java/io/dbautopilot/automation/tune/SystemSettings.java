package io.dbautopilot.automation.tune;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The {@code ALTER SYSTEM} statements of a tune, built by the server's {@code format()} ({@code %I} quotes the
 * setting's name, {@code %L} the value), never by concatenating input; and the comparison of what pg_settings shows.
 */
final class SystemSettings {

    private SystemSettings() {
    }

    /** {@code ALTER SYSTEM SET <name> = '<literal>'}, quoted by the server. */
    static String set(Connection c, String name, String literal) throws SQLException {
        return format(c, "SELECT format('ALTER SYSTEM SET %I = %L', ?::text, ?::text)", name, literal);
    }

    /** {@code ALTER SYSTEM RESET <name>}, quoted by the server. */
    static String reset(Connection c, String name) throws SQLException {
        return format(c, "SELECT format('ALTER SYSTEM RESET %I', ?::text)", name);
    }

    private static String format(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** What {@code pg_settings.setting} shows for the setting in this session; null when there is no such setting. */
    static String shown(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT setting FROM pg_settings WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** The error the server found in the configuration files for the setting (pg_file_settings); null when none. */
    static String fileError(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT string_agg(error, '; ') FROM pg_file_settings WHERE name = ? AND error IS NOT NULL")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Whether a shown setting equals the expected one (numerically when both are numbers). */
    static boolean same(String shown, String expected) {
        if (shown == null || expected == null) {
            return false;
        }
        try {
            return new java.math.BigDecimal(shown.trim()).compareTo(new java.math.BigDecimal(expected.trim())) == 0;
        } catch (NumberFormatException e) {
            return shown.trim().toLowerCase(Locale.ROOT).equals(expected.trim().toLowerCase(Locale.ROOT));
        }
    }
}
