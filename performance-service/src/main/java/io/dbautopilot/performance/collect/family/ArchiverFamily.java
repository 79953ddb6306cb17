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
 * The {@code archiver} family: archived and failed WAL segments, how long ago the last one was archived (when none
 * was, since the archiver statistics began: their reset, else the server start - so archiving that is enabled but
 * never happens, e.g. with an empty archive_command, grows stale instead of having no value), and whether this
 * server archives at all (archive_mode {@code always}, or {@code on} outside recovery: a standby with {@code on}
 * does not archive).
 */
@ApplicationScoped
public class ArchiverFamily extends SqlFamily {
    public ArchiverFamily() {
        super("archiver", FamilyScope.SERVER, Duration.ofSeconds(60), false);
    }

    static final String SQL = """
            SELECT archived_count, failed_count,
                   extract(epoch FROM now() - coalesce(last_archived_time, stats_reset, pg_postmaster_start_time()))::float8
                       AS last_archive_age,
                   extract(epoch FROM now() - last_failed_time)::float8 AS last_failed_age,
                   current_setting('archive_mode') = 'always'
                       OR (current_setting('archive_mode') = 'on' AND NOT pg_is_in_recovery()) AS archiving_enabled
              FROM pg_stat_archiver""";

    @Override
    protected String sql(CollectionContext context) {
        return SQL;
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        Row r = results.get(0).iterator().next();
        points.add("pg_stat_archiver_archived_count", r.getValue("archived_count"));
        points.add("pg_stat_archiver_failed_count", r.getValue("failed_count"));
        points.add("pg_stat_archiver_last_archive_age", r.getValue("last_archive_age"));
        points.add("pg_stat_archiver_last_failed_age", r.getValue("last_failed_age"));
        points.add("pg_stat_archiver_enabled", r.getBoolean("archiving_enabled"));
    }
}
