package io.dbautopilot.performance.collect;

import io.dbautopilot.model.MetricPoint;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

import java.time.Duration;
import java.util.List;

/** One group of related PostgreSQL metrics (postgres_exporter calls these collectors). */
public interface MetricFamily {

    /** Family name as reported in snapshots and used in configuration, e.g. {@code database}. */
    String name();

    /** Whether the family reads cluster-wide views or each database's catalog. */
    FamilyScope scope();

    /** How often the family runs unless configured otherwise. */
    Duration defaultInterval();

    /** Heavy families (per-relation scans, statement statistics) are shed when the target is busy. */
    default boolean heavy() {
        return false;
    }

    /**
     * Whether this cluster-wide family has rows per database (the {@code datname} label) that belong to the target only
     * when its include patterns name that database ({@link DatabaseFilter#ownRows}): a target including some databases
     * of a server sees their statistics, statements, sessions and locks, not those of the server's other databases
     * (which other targets may include). Rows without a database are kept.
     */
    default boolean rowsPerDatabase() {
        return false;
    }

    /**
     * Reads the family's points. Fails with {@link FamilyUnavailableException} when the target lacks what the
     * family needs (an extension, a privilege): that is reported as unavailable, not as an error.
     */
    Uni<List<MetricPoint>> collect(CollectionContext context, SqlClient client);
}
