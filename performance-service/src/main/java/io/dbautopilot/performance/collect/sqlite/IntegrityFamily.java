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

/**
 * {@code PRAGMA quick_check} on its own slow interval (it reads every page): {@code sqlite_quick_check_ok} (1 when the
 * answer is {@code ok}), the number of problems it listed (at most 100), and how long it took.
 */
@ApplicationScoped
public class IntegrityFamily implements SqliteFamily {

    @Override
    public String name() {
        return "integrity";
    }

    @Override
    public Duration defaultInterval() {
        return Duration.ofHours(1);
    }

    @Override
    public List<MetricPoint> collect(Connection connection) throws SQLException {
        long t0 = System.nanoTime();
        int problems = 0;
        boolean ok = false;
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery("PRAGMA quick_check(100)")) {
            while (rs.next()) {
                String line = rs.getString(1);
                if ("ok".equals(line)) {
                    ok = true;
                } else {
                    problems++;
                }
            }
        } catch (SQLException e) {
            // SQLITE_CORRUPT / SQLITE_NOTADB: the check itself cannot read the file - that is its answer
            if (e.getErrorCode() != 11 && e.getErrorCode() != 26) {
                throw e;
            }
            problems = Math.max(problems, 1);
        }
        return new PointsBuilder()
                .add("sqlite_quick_check_ok", ok && problems == 0 ? 1 : 0)
                .add("sqlite_quick_check_problems", problems)
                .add("sqlite_quick_check_seconds", (System.nanoTime() - t0) / 1e9)
                .build();
    }
}
