package io.dbautopilot.performance.collect.mysql;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every base table of every user schema from {@code information_schema.TABLES}, as mysqld_exporter's
 * {@code info_schema.tables} collector names them: {@code mysql_info_schema_table_rows} and
 * {@code mysql_info_schema_table_size{component=data_length|index_length|data_free}}; plus the share of the
 * table's space that is free ({@code mysql_info_schema_table_fragmentation_ratio}), and per schema its tables and
 * size ({@code mysql_info_schema_schema_tables}, {@code mysql_info_schema_schema_size_bytes}).
 */
@ApplicationScoped
public class TablesFamily implements MySqlFamily {

    static final String SQL = """
            SELECT TABLE_SCHEMA AS schema_name, TABLE_NAME AS table_name, ENGINE AS engine, TABLE_ROWS AS table_rows,
                   DATA_LENGTH AS data_length, INDEX_LENGTH AS index_length, DATA_FREE AS data_free
              FROM information_schema.TABLES
             WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN""" + " " + MySqlProbe.SYSTEM_SCHEMAS_SQL;

    @Override
    public String name() {
        return "tables";
    }

    @Override
    public Duration defaultInterval() {
        return Duration.ofMinutes(1);
    }

    @Override
    public boolean heavy() {
        return true;
    }

    @Override
    public Uni<List<MetricPoint>> collect(MySqlContext context, SqlClient client) {
        return client.query(SQL).execute().map(rows -> {
            PointsBuilder points = new PointsBuilder();
            Map<String, double[]> schemas = new TreeMap<>();
            context.schemas().forEach(s -> schemas.put(s, new double[2]));
            for (Row r : rows) {
                String schema = MySqlValues.text(r.getValue("schema_name"));
                double[] sum = schemas.get(schema);
                if (sum == null) {
                    continue; // excluded by the target's filters
                }
                String table = MySqlValues.text(r.getValue("table_name"));
                Number data = MySqlValues.number(r.getValue("data_length"));
                Number index = MySqlValues.number(r.getValue("index_length"));
                Number free = MySqlValues.number(r.getValue("data_free"));
                points.add("mysql_info_schema_table_rows", MySqlValues.number(r.getValue("table_rows")),
                        "schema", schema, "table", table);
                points.add("mysql_info_schema_table_size", data, "schema", schema, "table", table,
                        "component", "data_length");
                points.add("mysql_info_schema_table_size", index, "schema", schema, "table", table,
                        "component", "index_length");
                points.add("mysql_info_schema_table_size", free, "schema", schema, "table", table,
                        "component", "data_free");
                double used = (data == null ? 0 : data.doubleValue()) + (index == null ? 0 : index.doubleValue());
                double wasted = free == null ? 0 : free.doubleValue();
                if (used + wasted > 0) {
                    points.add("mysql_info_schema_table_fragmentation_ratio", wasted / (used + wasted),
                            "schema", schema, "table", table);
                }
                sum[0]++;
                sum[1] += used + wasted;
            }
            schemas.forEach((schema, sum) -> {
                points.add("mysql_info_schema_schema_tables", sum[0], "schema", schema);
                points.add("mysql_info_schema_schema_size_bytes", sum[1], "schema", schema);
            });
            points.add("mysql_info_schema_schemas", schemas.size());
            return points.build();
        });
    }
}
