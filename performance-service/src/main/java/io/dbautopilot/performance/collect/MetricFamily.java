package io.dbautopilot.performance.collect;

import io.dbautopilot.model.MetricPoint;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

import java.util.List;

/** One group of related PostgreSQL metrics (postgres_exporter calls these collectors) read in one query. */
public interface MetricFamily {

    /** Family name as reported in snapshots, e.g. {@code database}. */
    String name();

    /** Reads the family's points from a target. */
    Uni<List<MetricPoint>> collect(SqlClient client);
}
