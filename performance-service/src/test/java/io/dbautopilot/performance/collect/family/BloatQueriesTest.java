package io.dbautopilot.performance.collect.family;

import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fast pg_statistic query and the pg_stats fallback read the same statistics from a real cluster. */
class BloatQueriesTest {

    static ThrowawayPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = ThrowawayPostgres.launch(PostgresBinaries.locate());
        try (Connection c = postgres.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t (id int PRIMARY KEY, v text, n int)");
            st.execute("INSERT INTO t SELECT g, repeat('x', g % 40), CASE WHEN g % 3 = 0 THEN NULL ELSE g END "
                    + "FROM generate_series(1, 5000) g");
            st.execute("CREATE INDEX t_v ON t (v, n)");
            st.execute("CREATE INDEX t_expr ON t (lower(v))");
            st.execute("ANALYZE t");
        }
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @Test
    void theFastQueryReadsPgStatisticInsteadOfPgStats() {
        assertFalse(BloatFamily.SQL_STATISTIC.contains("pg_stats "), BloatFamily.SQL_STATISTIC);
        assertEquals(2, BloatFamily.SQL_STATISTIC.split("pg_statistic s").length - 1);
    }

    @Test
    void bothQueriesGiveTheSameRows() throws Exception {
        List<String> viaStats = rows(BloatFamily.SQL_STATS);
        List<String> viaStatistic = rows(BloatFamily.SQL_STATISTIC);
        assertTrue(viaStats.stream().anyMatch(r -> r.contains("t_v")), viaStats.toString());
        assertEquals(viaStats, viaStatistic);
    }

    private static List<String> rows(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = postgres.connect("postgres"); Statement st = c.createStatement()) {
            boolean more = st.execute(sql);
            while (more) {
                try (ResultSet rs = st.getResultSet()) {
                    ResultSetMetaData md = rs.getMetaData();
                    while (rs.next()) {
                        StringBuilder row = new StringBuilder();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            row.append(md.getColumnLabel(i)).append('=').append(rs.getString(i)).append(' ');
                        }
                        out.add(row.toString());
                    }
                }
                more = st.getMoreResults();
            }
        }
        out.sort(String::compareTo);
        return out;
    }
}
