package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.FamilyScope;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/** The {@code wraparound} family: transaction ID and multixact ID age of every database (template0 too) and how far each is towards wraparound. */
@ApplicationScoped
public class WraparoundFamily extends SqlFamily {
    public WraparoundFamily() {
        super("wraparound", FamilyScope.SERVER, Duration.ofMinutes(5), false);
    }

    /** Ages at which PostgreSQL stops assigning IDs (2^31 minus the safety margin is close enough for a ratio). */
    static final double WRAP_LIMIT = 2_147_483_648.0;

    static final String SQL = """
            SELECT datname, age(datfrozenxid)::float8 AS xid_age, mxid_age(datminmxid)::float8 AS mxid_age,
                   current_setting('autovacuum_freeze_max_age')::float8 AS freeze_max_age,
                   current_setting('autovacuum_multixact_freeze_max_age')::float8 AS mxid_freeze_max_age
              FROM pg_database""";

    @Override
    protected String sql(CollectionContext context) {
        return SQL;
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        for (Row r : results.get(0)) {
            String db = r.getString("datname");
            double xid = number(r, "xid_age");
            double mxid = number(r, "mxid_age");
            points.add("pg_database_xid_age", xid, "datname", db);
            points.add("pg_database_mxid_age", mxid, "datname", db);
            points.add("pg_database_xid_wraparound_ratio", xid / WRAP_LIMIT, "datname", db);
            points.add("pg_database_mxid_wraparound_ratio", mxid / WRAP_LIMIT, "datname", db);
            points.add("pg_database_xid_freeze_max_age_ratio", xid / number(r, "freeze_max_age"), "datname", db);
        }
    }
}
