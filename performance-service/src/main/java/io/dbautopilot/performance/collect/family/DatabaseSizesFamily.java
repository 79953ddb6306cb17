package io.dbautopilot.performance.collect.family;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.FamilyScope;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code database_sizes} family: {@code pg_database_size_bytes} of every database the role may connect to.
 * pg_database_size walks each database's directory and stats every file, the costliest statement of a
 * postgres_exporter scrape; so a database's size is re-read only when something that grows or shrinks its files was
 * counted since the last read (rows inserted, updated or deleted in any of its tables, catalogs included, which also
 * covers DDL, TRUNCATE and index builds; a statistics reset) or after {@code autopilot.collection.relation-cache-max-age},
 * which bounds what the counters cannot see (a bulk load not yet committed, VACUUM truncating a table).
 */
@ApplicationScoped
public class DatabaseSizesFamily extends SqlFamily {

    /** Every database the role may connect to, with what tells whether its size may have changed (cheap: counters). */
    static final String SQL_KEYS = """
            SELECT d.oid::int8 AS oid, d.datname, false AS locked,
                   concat_ws(':', coalesce(s.tup_inserted::text, '-'), coalesce(s.tup_updated::text, '-'),
                             coalesce(s.tup_deleted::text, '-'), coalesce(s.stats_reset::text, '-')) AS change_key
              FROM pg_database d
              LEFT JOIN pg_stat_database s ON s.datid = d.oid
             WHERE d.datallowconn AND has_database_privilege(d.oid, 'CONNECT')""";

    /** The sizes of the given databases. */
    static final String SQL_SIZES = """
            SELECT oid::int8 AS oid, pg_database_size(oid) AS size_bytes
              FROM pg_database
             WHERE oid::int8 = ANY($1) AND datallowconn AND has_database_privilege(oid, 'CONNECT')""";

    private final RelationCache<Long> cache = new RelationCache<>();

    public DatabaseSizesFamily() {
        super("database_sizes", FamilyScope.SERVER, Duration.ofMinutes(5), true);
    }

    @Override
    public boolean rowsPerDatabase() {
        return true;
    }

    @Override
    protected String sql(CollectionContext context) {
        return SQL_KEYS;
    }

    @Override
    public Uni<List<MetricPoint>> collect(CollectionContext context, SqlClient client) {
        return collectCached(context, client, SQL_KEYS, SQL_SIZES, cache, r -> r.getLong("size_bytes"));
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        for (Row r : results.get(0)) {
            Optional<Long> size = cache.get(context, r.getLong("oid"));
            size.ifPresent(s -> points.add("pg_database_size_bytes", s, "datname", r.getString("datname")));
        }
    }
}
