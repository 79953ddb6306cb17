package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.FamilyScope;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/**
 * The {@code database_sizes} family: {@code pg_database_size_bytes} of every database the role may connect to.
 * pg_database_size walks each database's directory, the costliest statement of a postgres_exporter scrape; sizes
 * change slowly, so it has its own, slower interval.
 */
@ApplicationScoped
public class DatabaseSizesFamily extends SqlFamily {

    static final String SQL = """
            SELECT datname, pg_database_size(oid) AS size_bytes
              FROM pg_database
             WHERE datallowconn AND has_database_privilege(oid, 'CONNECT')""";

    public DatabaseSizesFamily() {
        super("database_sizes", FamilyScope.SERVER, Duration.ofMinutes(5), true);
    }

    @Override
    protected String sql(CollectionContext context) {
        return SQL;
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        for (Row r : results.get(0)) {
            points.add("pg_database_size_bytes", r.getValue("size_bytes"), "datname", r.getString("datname"));
        }
    }
}
