package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.FamilyScope;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.dbautopilot.performance.collect.TargetConnections;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/**
 * The {@code activity} family: backends by state and wait event type, longest query and transaction,
 * idle-in-transaction sessions and their age, blocked sessions, and connection use against the usable maximum
 * (max_connections minus superuser-reserved). The collector's own backend is left out.
 */
@ApplicationScoped
public class ActivityFamily extends SqlFamily {
    public ActivityFamily() {
        super("activity", FamilyScope.SERVER, Duration.ofSeconds(15), false);
    }

    @Override
    public boolean rowsPerDatabase() {
        return true;
    }

    /** The longest query and transaction leave out the collector's and its advisors' sessions (application_name). */
    static final String SQL = """
            SELECT coalesce(datname, '') AS datname, coalesce(state, 'unknown') AS state, count(*) AS n
              FROM pg_stat_activity
             WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()
             GROUP BY 1, 2;
            SELECT coalesce(wait_event_type, 'CPU') AS wait_event_type, count(*) AS n
              FROM pg_stat_activity
             WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()
             GROUP BY 1;
            SELECT
              coalesce(max(extract(epoch FROM now() - query_start))
                       FILTER (WHERE backend_type = 'client backend' AND state = 'active'
                                 AND coalesce(application_name, '') NOT LIKE '{own}%'), 0)::float8 AS max_query,
              coalesce(max(extract(epoch FROM now() - xact_start))
                       FILTER (WHERE backend_type = 'client backend'
                                 AND coalesce(application_name, '') NOT LIKE '{own}%'), 0)::float8 AS max_xact,
              count(*) FILTER (WHERE state LIKE 'idle in transaction%') AS idle_tx,
              coalesce(max(extract(epoch FROM now() - state_change))
                       FILTER (WHERE state LIKE 'idle in transaction%'), 0)::float8 AS idle_tx_age,
              count(*) FILTER (WHERE wait_event_type = 'Lock') AS waiting,
              count(*) FILTER (WHERE wait_event_type = 'Lock' AND cardinality(pg_blocking_pids(pid)) > 0) AS blocked,
              count(*) FILTER (WHERE backend_type = 'autovacuum worker') AS autovacuum,
              count(*) FILTER (WHERE backend_type = 'client backend') + 1 AS clients,
              current_setting('max_connections')::int AS max_connections,
              current_setting('superuser_reserved_connections')::int AS reserved
              FROM pg_stat_activity
             WHERE pid <> pg_backend_pid()""".replace("{own}", TargetConnections.APPLICATION_NAME);

    @Override
    protected String sql(CollectionContext context) {
        return SQL;
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        for (Row r : results.get(0)) {
            points.add("pg_stat_activity_count", r.getValue("n"), "datname", r.getString("datname"),
                    "state", r.getString("state"));
        }
        for (Row r : results.get(1)) {
            points.add("pg_stat_activity_active_by_wait_event_type", r.getValue("n"),
                    "wait_event_type", r.getString("wait_event_type"));
        }
        Row s = results.get(2).iterator().next();
        points.add("pg_stat_activity_max_query_duration_seconds", s.getValue("max_query"));
        points.add("pg_stat_activity_max_tx_duration_seconds", s.getValue("max_xact"));
        points.add("pg_stat_activity_idle_in_transaction_count", s.getValue("idle_tx"));
        points.add("pg_stat_activity_idle_in_transaction_max_age_seconds", s.getValue("idle_tx_age"));
        points.add("pg_stat_activity_waiting_on_lock_count", s.getValue("waiting"));
        points.add("pg_stat_activity_blocked_count", s.getValue("blocked"));
        points.add("pg_stat_activity_autovacuum_workers", s.getValue("autovacuum"));
        double clients = number(s, "clients");
        double usable = number(s, "max_connections") - number(s, "reserved");
        points.add("pg_connections_used", clients);
        points.add("pg_connections_max_usable", usable);
        if (usable > 0) {
            points.add("pg_connections_utilization_ratio", clients / usable);
        }
    }
}
