package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.FamilyScope;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/** The {@code replication} family: on a primary, each standby's lag in bytes and seconds; on a standby, its own replay lag. */
@ApplicationScoped
public class ReplicationFamily extends SqlFamily {
    public ReplicationFamily() {
        super("replication", FamilyScope.SERVER, Duration.ofSeconds(15), false);
    }

    static final String SQL = """
            SELECT coalesce(application_name, '') AS application_name, coalesce(host(client_addr), '') AS client_addr,
                   coalesce(state, '') AS state, coalesce(sync_state, '') AS sync_state,
                   CASE WHEN NOT pg_is_in_recovery()
                        THEN pg_wal_lsn_diff(pg_current_wal_lsn(), sent_lsn)::float8 END AS sent_lag_bytes,
                   CASE WHEN NOT pg_is_in_recovery()
                        THEN pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::float8 END AS replay_lag_bytes,
                   coalesce(extract(epoch FROM write_lag), 0)::float8 AS write_lag_seconds,
                   coalesce(extract(epoch FROM flush_lag), 0)::float8 AS flush_lag_seconds,
                   coalesce(extract(epoch FROM replay_lag), 0)::float8 AS replay_lag_seconds
              FROM pg_stat_replication;
            SELECT pg_is_in_recovery() AS is_replica,
                   CASE WHEN pg_is_in_recovery() THEN
                        CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                             ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END END::float8 AS lag_seconds,
                   CASE WHEN pg_is_in_recovery()
                        THEN pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::float8 END
                        AS replay_pending_bytes""";

    @Override
    protected String sql(CollectionContext context) {
        return SQL;
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        int standbys = 0;
        for (Row r : results.get(0)) {
            standbys++;
            String[] labels = {"application_name", r.getString("application_name"), "client_addr",
                    r.getString("client_addr"), "state", r.getString("state"), "sync_state", r.getString("sync_state")};
            points.add("pg_stat_replication_sent_lag_bytes", r.getValue("sent_lag_bytes"), labels);
            points.add("pg_stat_replication_replay_lag_bytes", r.getValue("replay_lag_bytes"), labels);
            points.add("pg_stat_replication_write_lag_seconds", r.getValue("write_lag_seconds"), labels);
            points.add("pg_stat_replication_flush_lag_seconds", r.getValue("flush_lag_seconds"), labels);
            points.add("pg_stat_replication_replay_lag_seconds", r.getValue("replay_lag_seconds"), labels);
        }
        points.add("pg_replication_standbys", standbys);
        Row self = results.get(1).iterator().next();
        points.add("pg_replication_is_replica", self.getBoolean("is_replica"));
        points.add("pg_replication_lag_seconds", self.getValue("lag_seconds"));
        points.add("pg_replication_replay_pending_bytes", self.getValue("replay_pending_bytes"));
    }
}
