package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/**
 * The {@code table_sizes} family: table (heap, free-space and visibility maps, TOAST), index and TOAST sizes of
 * every user table, as postgres_exporter names them. Reading a size opens the relation, which makes this the
 * costliest per-table read; it runs less often than {@code tables}, and skips relations holding or awaiting an
 * ACCESS EXCLUSIVE lock so it never queues behind DDL.
 */
@ApplicationScoped
public class TableSizesFamily extends DatabaseSqlFamily {

    public TableSizesFamily() {
        super("table_sizes", Duration.ofMinutes(5), true);
    }

    static final String SQL = LOCKED + """
            SELECT n.nspname AS schemaname, c.relname,
                   pg_table_size(c.oid) AS table_size, pg_indexes_size(c.oid) AS index_size,
                   CASE WHEN c.reltoastrelid = 0 THEN 0 ELSE pg_total_relation_size(c.reltoastrelid) END AS toast_size
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'm', 'p')
               AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_toast'
               AND c.oid NOT IN (SELECT relation FROM locked)""";

    @Override
    protected String sql(CollectionContext context) {
        return SQL;
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        double total = 0;
        for (Row r : results.get(0)) {
            String[] labels = {"schemaname", r.getString("schemaname"), "relname", r.getString("relname")};
            points.add("pg_stat_user_tables_table_size_bytes", r.getValue("table_size"), labels);
            points.add("pg_stat_user_tables_index_size_bytes", r.getValue("index_size"), labels);
            points.add("pg_stat_user_tables_toast_size_bytes", r.getValue("toast_size"), labels);
            total += number(r, "table_size") + number(r, "index_size");
        }
        points.add("pg_database_user_tables_bytes", total);
    }
}
