package io.dbautopilot.performance.collect.mysql;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Index hygiene of every user schema, computed as the {@code sys} schema's views do (they are absent on MariaDB):
 * unused indexes ({@code performance_schema.table_io_waits_summary_by_index_usage}: a non-unique secondary index with
 * no I/O since the server started, {@code mysql_perf_schema_index_unused} = 1) and duplicate indexes
 * ({@code information_schema.STATISTICS}: a non-unique index whose columns lead another index of the same type on
 * the same table, {@code mysql_info_schema_index_duplicate{duplicate_of}} = 1), with their counts.
 */
@ApplicationScoped
public class IndexesFamily implements MySqlFamily {

    static final String COLUMNS = """
            SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, INDEX_NAME AS index_name,
                   NON_UNIQUE AS non_unique, INDEX_TYPE AS index_type,
                   GROUP_CONCAT(CONCAT(COLUMN_NAME, COALESCE(CONCAT('(', SUB_PART, ')'), ''))
                                ORDER BY SEQ_IN_INDEX SEPARATOR ',') AS columns_list
              FROM information_schema.STATISTICS
             WHERE TABLE_SCHEMA NOT IN""" + " " + MySqlProbe.SYSTEM_SCHEMAS_SQL + """

             GROUP BY TABLE_SCHEMA, TABLE_NAME, INDEX_NAME, NON_UNIQUE, INDEX_TYPE""";

    static final String USAGE = """
            SELECT OBJECT_SCHEMA AS schema_name, OBJECT_NAME AS table_name, INDEX_NAME AS index_name,
                   COUNT_STAR AS io
              FROM performance_schema.table_io_waits_summary_by_index_usage
             WHERE INDEX_NAME IS NOT NULL AND INDEX_NAME <> 'PRIMARY' AND OBJECT_SCHEMA NOT IN""" + " "
            + MySqlProbe.SYSTEM_SCHEMAS_SQL;

    /** One index: its table and definition. */
    record Index(String schema, String table, String name, boolean unique, String type, List<String> columns) {
    }

    @Override
    public String name() {
        return "indexes";
    }

    @Override
    public Duration defaultInterval() {
        return Duration.ofMinutes(5);
    }

    @Override
    public boolean heavy() {
        return true;
    }

    @Override
    public Uni<List<MetricPoint>> collect(MySqlContext context, SqlClient client) {
        return client.query(COLUMNS).execute().chain(columns -> client.query(USAGE).execute()
                .onFailure().recoverWithItem(e -> null) // performance_schema off: duplicates only
                .map(usage -> {
                    Map<String, Index> indexes = new LinkedHashMap<>();
                    for (Row r : columns) {
                        String schema = MySqlValues.text(r.getValue("schema_name"));
                        if (!context.schemas().contains(schema)) {
                            continue;
                        }
                        Index i = new Index(schema, MySqlValues.text(r.getValue("table_name")),
                                MySqlValues.text(r.getValue("index_name")),
                                MySqlValues.number(r.getValue("non_unique")).intValue() == 0,
                                MySqlValues.text(r.getValue("index_type")),
                                List.of(MySqlValues.text(r.getValue("columns_list")).split(",")));
                        indexes.put(key(i.schema(), i.table(), i.name()), i);
                    }
                    PointsBuilder points = new PointsBuilder();
                    int unused = 0;
                    if (usage != null) {
                        for (Row r : usage) {
                            Index i = indexes.get(key(MySqlValues.text(r.getValue("schema_name")),
                                    MySqlValues.text(r.getValue("table_name")), MySqlValues.text(r.getValue("index_name"))));
                            if (i == null) {
                                continue;
                            }
                            Number io = MySqlValues.number(r.getValue("io"));
                            points.add("mysql_perf_schema_index_io_waits_total", io, "schema", i.schema(),
                                    "table", i.table(), "index", i.name());
                            if (!i.unique() && io != null && io.longValue() == 0) {
                                points.add("mysql_perf_schema_index_unused", 1, "schema", i.schema(), "table",
                                        i.table(), "index", i.name());
                                unused++;
                            }
                        }
                        points.add("mysql_perf_schema_indexes_unused_count", unused);
                    }
                    List<String[]> duplicates = duplicates(new ArrayList<>(indexes.values()));
                    for (String[] d : duplicates) {
                        points.add("mysql_info_schema_index_duplicate", 1, "schema", d[0], "table", d[1], "index", d[2],
                                "duplicate_of", d[3]);
                    }
                    points.add("mysql_info_schema_indexes_duplicate_count", duplicates.size());
                    return points.build();
                }));
    }

    /**
     * Redundant indexes as {@code sys.schema_redundant_indexes} finds them: a non-unique index whose columns are a
     * leading part of another index of the same type on the same table (when both have the same columns, the one
     * unique, or else the one later by name, is kept). Each is {schema, table, index, duplicate_of}.
     */
    static List<String[]> duplicates(List<Index> indexes) {
        List<String[]> out = new ArrayList<>();
        for (Index a : indexes) {
            if (a.unique()) {
                continue;
            }
            for (Index b : indexes) {
                if (a == b || !a.schema().equals(b.schema()) || !a.table().equals(b.table())
                        || !a.type().equals(b.type()) || a.columns().size() > b.columns().size()
                        || !b.columns().subList(0, a.columns().size()).equals(a.columns())) {
                    continue;
                }
                boolean same = a.columns().size() == b.columns().size();
                if (!same || b.unique() || a.name().compareTo(b.name()) > 0) {
                    out.add(new String[]{a.schema(), a.table(), a.name(), b.name()});
                    break;
                }
            }
        }
        return out;
    }

    private static String key(String schema, String table, String index) {
        return schema + "\u0000" + table + "\u0000" + index;
    }
}
