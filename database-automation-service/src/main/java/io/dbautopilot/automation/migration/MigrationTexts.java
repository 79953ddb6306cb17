package io.dbautopilot.automation.migration;

import org.flywaydb.core.api.MigrationInfo;

import java.sql.SQLException;

/** Small text helpers the migration runs share: a migration's version, a parameter's text, an error's SQLSTATE and message. */
final class MigrationTexts {

    private MigrationTexts() {
    }

    static String version(MigrationInfo mi) {
        return mi == null || mi.getVersion() == null ? null : mi.getVersion().getVersion();
    }

    static String text(Object o) {
        return o == null || o.toString().isBlank() ? null : o.toString().trim();
    }

    static String sqlState(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getSQLState() != null) {
                return s.getSQLState();
            }
        }
        return null;
    }

    /** Whether the connection is to PostgreSQL (else MySQL / MariaDB): the catalog queries differ. */
    static boolean postgres(java.sql.Connection c) throws SQLException {
        return c.getMetaData().getURL().startsWith("jdbc:postgresql:");
    }

    static String rootMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                return "SQLSTATE " + s.getSQLState() + ": " + s.getMessage();
            }
        }
        String m = e.getMessage();
        return m == null ? e.toString() : m;
    }
}
