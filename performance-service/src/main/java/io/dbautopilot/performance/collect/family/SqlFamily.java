package io.dbautopilot.performance.collect.family;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.FamilyScope;
import io.dbautopilot.performance.collect.MetricFamily;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Base for families that run one (possibly multi-statement) read-only query and map its result sets to points. */
abstract class SqlFamily implements MetricFamily {

    private final String name;
    private final FamilyScope scope;
    private final Duration defaultInterval;
    private final boolean heavy;

    SqlFamily(String name, FamilyScope scope, Duration defaultInterval, boolean heavy) {
        this.name = name;
        this.scope = scope;
        this.defaultInterval = defaultInterval;
        this.heavy = heavy;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public FamilyScope scope() {
        return scope;
    }

    @Override
    public Duration defaultInterval() {
        return defaultInterval;
    }

    @Override
    public boolean heavy() {
        return heavy;
    }

    /** The SQL to run for this context; several statements separated by {@code ;} give several result sets. */
    protected abstract String sql(CollectionContext context);

    /** Maps the result sets (in statement order) to points. */
    protected abstract void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points);

    /** Labels every point carries (per-database families add {@code datname}). */
    protected Map<String, String> baseLabels(CollectionContext context) {
        return Map.of();
    }

    @Override
    public Uni<List<MetricPoint>> collect(CollectionContext context, SqlClient client) {
        return run(context, client, sql(context));
    }

    /** Runs the given SQL and maps its result sets. */
    protected Uni<List<MetricPoint>> run(CollectionContext context, SqlClient client, String sql) {
        return client.query(sql).execute().map(first -> {
            List<RowSet<Row>> results = new ArrayList<>();
            for (RowSet<Row> r = first; r != null; r = r.next()) {
                results.add(r);
            }
            PointsBuilder points = new PointsBuilder(baseLabels(context));
            map(context, results, points);
            return points.build();
        });
    }

    /** A row's column (by position) as double, 0 when null. */
    static double number(Row row, int column) {
        Object v = row.getValue(column);
        return v instanceof Number n ? n.doubleValue() : 0;
    }

    /** A row's column as double, 0 when null. */
    static double number(Row row, String column) {
        Object v = row.getValue(column);
        return v instanceof Number n ? n.doubleValue() : 0;
    }
}
