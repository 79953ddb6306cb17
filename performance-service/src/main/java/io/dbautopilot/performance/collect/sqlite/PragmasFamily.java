package io.dbautopilot.performance.collect.sqlite;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.PointsBuilder;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The file's layout and settings from its pragmas: page size and count, free-list pages (space a {@code VACUUM} would
 * return) and their share, journal mode, auto-vacuum mode, schema and user versions.
 */
@ApplicationScoped
public class PragmasFamily implements SqliteFamily {

    @Override
    public String name() {
        return "pragmas";
    }

    @Override
    public Duration defaultInterval() {
        return null;
    }

    @Override
    public List<MetricPoint> collect(Connection connection) throws SQLException {
        PointsBuilder points = new PointsBuilder();
        try (Statement st = connection.createStatement()) {
            long pageSize = single(st, "PRAGMA page_size");
            long pageCount = single(st, "PRAGMA page_count");
            long freelist = single(st, "PRAGMA freelist_count");
            points.add("sqlite_page_size_bytes", pageSize);
            points.add("sqlite_page_count", pageCount);
            points.add("sqlite_freelist_pages", freelist);
            points.add("sqlite_freelist_bytes", freelist * pageSize);
            points.add("sqlite_freelist_ratio", pageCount == 0 ? 0 : (double) freelist / pageCount);
            String mode = text(st, "PRAGMA journal_mode").toLowerCase(Locale.ROOT);
            points.add("sqlite_journal_mode_info", 1, "mode", mode);
            points.add("sqlite_wal_enabled", mode.equals("wal") ? 1 : 0);
            long autoVacuum = single(st, "PRAGMA auto_vacuum");
            points.add("sqlite_auto_vacuum", autoVacuum); // 0 none, 1 full, 2 incremental
            points.add("sqlite_schema_version", single(st, "PRAGMA schema_version"));
            points.add("sqlite_user_version", single(st, "PRAGMA user_version"));
        }
        return points.build();
    }

    static long single(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    static String text(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? String.valueOf(rs.getString(1)) : "";
        }
    }
}
