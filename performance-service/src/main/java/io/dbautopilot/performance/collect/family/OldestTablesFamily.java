package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/** The {@code wraparound_tables} family: the tables (TOAST included) with the oldest relfrozenxid in a database. */
@ApplicationScoped
public class OldestTablesFamily extends DatabaseSqlFamily {
    public OldestTablesFamily() {
        super("wraparound_tables", Duration.ofMinutes(5), false);
    }

    static final String SQL = """
            SELECT n.nspname AS schemaname, c.relname, age(c.relfrozenxid)::float8 AS xid_age,
                   mxid_age(c.relminmxid)::float8 AS mxid_age
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'm', 't')
             ORDER BY age(c.relfrozenxid) DESC
             LIMIT %d""";

    @Override
    protected String sql(CollectionContext context) {
        return SQL.formatted(Math.max(1, context.settings().oldestTables()));
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        for (Row r : results.get(0)) {
            String[] labels = {"schemaname", r.getString("schemaname"), "relname", r.getString("relname")};
            points.add("pg_table_xid_age", r.getValue("xid_age"), labels);
            points.add("pg_table_mxid_age", r.getValue("mxid_age"), labels);
        }
    }
}
