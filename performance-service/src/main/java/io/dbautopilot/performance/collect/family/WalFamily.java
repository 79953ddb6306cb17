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
import java.util.ArrayList;
import java.util.List;

/** The {@code wal} family: pg_stat_wal (PostgreSQL 14+), the current WAL position, the WAL rate derived from it and, where the role may list it, the size of pg_wal. */
@ApplicationScoped
public class WalFamily extends SqlFamily {
    public WalFamily() {
        super("wal", FamilyScope.SERVER, Duration.ofSeconds(30), false);
    }

    static final String POSITION = """
            SELECT pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
                                        ELSE pg_current_wal_lsn() END, '0/0')::float8 AS lsn_bytes,
                   has_function_privilege('pg_ls_waldir()', 'EXECUTE') AS can_list""";

    static final String STATS_14 = """
            ;SELECT wal_records, wal_fpi, wal_bytes, wal_buffers_full, wal_write, wal_sync, wal_write_time,
                    wal_sync_time, extract(epoch FROM stats_reset)::float8 AS stats_reset FROM pg_stat_wal""";

    static final String STATS_18 = """
            ;SELECT wal_records, wal_fpi, wal_bytes, wal_buffers_full,
                    extract(epoch FROM stats_reset)::float8 AS stats_reset FROM pg_stat_wal""";

    static final String WAL_DIR = ";SELECT coalesce(sum(size), 0)::float8 AS bytes, count(*) AS files FROM pg_ls_waldir()";

    @Override
    protected String sql(CollectionContext context) {
        String stats = context.serverVersion() >= 180000 ? STATS_18 : context.serverVersion() >= 140000 ? STATS_14 : "";
        return POSITION + stats;
    }

    /** Adds the size of pg_wal when the role may list it (a second statement, so a missing privilege costs nothing). */
    @Override
    public Uni<List<MetricPoint>> collect(CollectionContext context,
            SqlClient client) {
        return super.collect(context, client).chain(points -> {
            boolean canList = points.stream().anyMatch(p -> p.name().equals("pg_wal_directory_listable") && p.value() == 1);
            if (!canList) {
                return Uni.createFrom().item(points);
            }
            return client.query(WAL_DIR.substring(1)).execute().map(rows -> {
                Row r = rows.iterator().next();
                List<MetricPoint> all = new ArrayList<>(points);
                all.add(MetricPoint.of("pg_wal_directory_bytes", number(r, "bytes")));
                all.add(MetricPoint.of("pg_wal_directory_files", number(r, "files")));
                return all;
            });
        });
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        Row position = results.get(0).iterator().next();
        double lsn = number(position, "lsn_bytes");
        points.add("pg_wal_lsn_bytes", lsn);
        points.add("pg_wal_directory_listable", position.getBoolean("can_list"));
        context.counters().advance("wal/lsn", lsn, context.cycleStart(), context.epoch())
                .ifPresent(delta -> points.add("pg_wal_bytes_per_second", delta.perSecond()));
        if (results.size() > 1) {
            Row r = results.get(1).iterator().next();
            for (int i = 0; i < r.size(); i++) {
                String column = r.getColumnName(i);
                points.add(column.startsWith("wal_") ? "pg_stat_" + column : "pg_stat_wal_" + column, r.getValue(i));
            }
        }
    }
}
