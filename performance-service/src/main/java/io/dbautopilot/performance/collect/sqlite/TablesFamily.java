package io.dbautopilot.performance.collect.sqlite;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.FamilyUnavailableException;
import io.dbautopilot.performance.collect.PointsBuilder;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * Per table and index: size on disk from the {@code dbstat} virtual table (where the library has it), and the row
 * estimate {@code ANALYZE} left in {@code sqlite_stat1}; plus the number of tables.
 */
@ApplicationScoped
public class TablesFamily implements SqliteFamily {

    @Override
    public String name() {
        return "tables";
    }

    @Override
    public Duration defaultInterval() {
        return Duration.ofMinutes(1);
    }

    @Override
    public List<MetricPoint> collect(Connection connection) throws SQLException {
        PointsBuilder points = new PointsBuilder();
        try (Statement st = connection.createStatement()) {
            points.add("sqlite_tables", PragmasFamily.single(st,
                    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"));
            try (ResultSet rs = st.executeQuery("SELECT d.name, coalesce(s.type, 'table'), sum(d.pgsize) "
                    + "FROM dbstat d LEFT JOIN sqlite_schema s ON s.name = d.name GROUP BY d.name")) {
                while (rs.next()) {
                    points.add("sqlite_object_size_bytes", rs.getLong(3), "object", rs.getString(1), "type",
                            rs.getString(2));
                }
            } catch (SQLException e) {
                if (String.valueOf(e.getMessage()).contains("no such table: dbstat")) {
                    throw new FamilyUnavailableException("this SQLite library has no dbstat table (SQLITE_ENABLE_DBSTAT_VTAB)");
                }
                throw e;
            }
            boolean stat1 = PragmasFamily.single(st, "SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'") > 0;
            if (stat1) {
                try (ResultSet rs = st.executeQuery("SELECT tbl, stat FROM sqlite_stat1 WHERE idx IS NULL "
                        + "OR idx = (SELECT min(idx) FROM sqlite_stat1 s2 WHERE s2.tbl = sqlite_stat1.tbl)")) {
                    java.util.Set<String> seen = new java.util.HashSet<>();
                    while (rs.next()) {
                        String table = rs.getString(1);
                        String stat = rs.getString(2);
                        if (stat != null && seen.add(table)) {
                            points.add("sqlite_table_rows_estimate", Long.parseLong(stat.split(" ")[0]), "table", table);
                        }
                    }
                }
            }
        }
        return points.build();
    }
}
