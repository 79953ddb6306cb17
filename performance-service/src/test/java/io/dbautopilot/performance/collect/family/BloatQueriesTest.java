package io.dbautopilot.performance.collect.family;

import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bloat family's queries on a real cluster: the fast pg_statistic path and the pg_stats fallback agree, keys move with ANALYZE. */
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
            st.execute("CREATE INDEX t_n_partial ON t (n) WHERE n > 10");
            st.execute("ANALYZE t");
        }
    }

    @AfterAll
    static void stop() {
        postgres.close();
    }

    @Test
    void theFastQueriesReadPgStatisticInsteadOfPgStats() {
        for (String sql : List.of(BloatFamily.SQL_TABLE_STATISTIC, BloatFamily.SQL_INDEX_STATISTIC)) {
            assertFalse(sql.contains("pg_stats "), sql);
            assertEquals(1, sql.split("pg_statistic s").length - 1, sql);
        }
    }

    @Test
    void bothQueriesGiveTheSameRows() throws Exception {
        List<Long> tables = oids('r');
        List<Long> indexes = oids('i');
        List<String> viaStats = rows(BloatFamily.SQL_TABLE_STATS, tables);
        viaStats.addAll(rows(BloatFamily.SQL_INDEX_STATS, indexes));
        List<String> viaStatistic = rows(BloatFamily.SQL_TABLE_STATISTIC, tables);
        viaStatistic.addAll(rows(BloatFamily.SQL_INDEX_STATISTIC, indexes));
        assertEquals(5, viaStats.size(), "table t and its 4 indexes (pkey, t_v, t_expr, t_n_partial): " + viaStats);
        assertTrue(viaStats.stream().anyMatch(r -> r.contains("missing=1")), "the expression index has no column statistics");
        assertEquals(viaStats, viaStatistic);
    }

    @Test
    void theRelationListCarriesPagesAndAStatisticsKeyThatMovesWhenAnAnalyzeMovesTheCounts() throws Exception {
        List<String> before = rows(BloatFamily.SQL_RELATIONS, null);
        assertTrue(before.stream().anyMatch(r -> r.contains("kind=table") && r.contains("relname=t ")), before.toString());
        assertTrue(before.stream().anyMatch(r -> r.contains("indexrelname=t_v ")), before.toString());
        try (Connection c = postgres.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("INSERT INTO t SELECT g, repeat('y', g % 40), g FROM generate_series(5001, 7000) g");
            st.execute("ANALYZE t");
        }
        List<String> after = rows(BloatFamily.SQL_RELATIONS, null);
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            assertFalse(before.get(i).equals(after.get(i)), "stats_key must move after ANALYZE: " + before.get(i));
        }
    }

    @Test
    void theTablesStatisticsKeyMovesWhenAColumnIsAdded() throws Exception {
        String before = tableRow(rows(BloatFamily.SQL_RELATIONS, null));
        try (Connection c = postgres.connect("postgres"); Statement st = c.createStatement()) {
            st.execute("ALTER TABLE t ADD COLUMN added_later int");
        }
        String after = tableRow(rows(BloatFamily.SQL_RELATIONS, null));
        assertFalse(before.equals(after), "stats_key must move with a new column: " + before + " / " + after);
    }

    private static String tableRow(List<String> rows) {
        return rows.stream().filter(r -> r.contains("kind=table") && r.contains("relname=t ")).findFirst().orElseThrow();
    }

    private static List<Long> oids(char relkind) throws Exception {
        List<Long> oids = new ArrayList<>();
        try (Connection c = postgres.connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(
                     "SELECT oid::int8 FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = '" + relkind + "'")) {
            while (rs.next()) {
                oids.add(rs.getLong(1));
            }
        }
        return oids;
    }

    private static List<String> rows(String sql, List<Long> oids) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = postgres.connect("postgres"); PreparedStatement st = c.prepareStatement(sql.replace("$1", "?"))) { // JDBC placeholders
            if (oids != null) {
                st.setArray(1, c.createArrayOf("int8", oids.toArray()));
            }
            boolean more = st.execute();
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
