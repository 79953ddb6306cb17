package io.dbautopilot.performance.collect.mysql;

import io.dbautopilot.model.MetricPoint;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

import java.time.Duration;
import java.util.List;

/** One group of related MySQL / MariaDB metrics (mysqld_exporter calls these collectors); every schema in one query. */
public interface MySqlFamily {

    /** Family name as reported in snapshots and used in configuration, e.g. {@code global_status}. */
    String name();

    /** How often the family runs unless configured otherwise. */
    Duration defaultInterval();

    /** Heavy families (per-table and per-statement reads) are shed when the cycle budget is spent. */
    default boolean heavy() {
        return false;
    }

    /**
     * Reads the family's points. Fails with {@link io.dbautopilot.performance.collect.FamilyUnavailableException} when
     * the server lacks what the family needs (binary log off, a privilege): reported as unavailable, not as an error.
     */
    Uni<List<MetricPoint>> collect(MySqlContext context, SqlClient client);
}
