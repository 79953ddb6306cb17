package io.dbautopilot.performance.collect.mysql;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.FamilyUnavailableException;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/**
 * Client sessions and InnoDB transactions: threads per command, the longest running query, the longest open
 * transaction, transactions waiting on a row lock and sessions sleeping inside a transaction (their count and the
 * longest sleep). The longest query and the longest sleeper carry the session they are about as labels ({@code id},
 * {@code started} in epoch seconds: the statement's start, or the transaction's; {@code user}), so an anomaly and the
 * KILL it leads to name that session. The collector's own session and the server's threads are left out.
 */
@ApplicationScoped
public class ProcesslistFamily implements MySqlFamily {

    /** Client sessions only: not this collector's, not the server's own threads. */
    static final String CLIENTS = """
            p.ID <> CONNECTION_ID() AND p.USER NOT IN ('system user', 'event_scheduler')
              AND p.COMMAND NOT IN ('Daemon', 'Binlog Dump', 'Binlog Dump GTID', 'Slave_IO', 'Slave_SQL', 'Slave_worker')""";

    static final String THREADS = "SELECT p.COMMAND AS command, COUNT(*) AS threads, "
            + "COALESCE(MAX(p.TIME), 0) AS longest FROM information_schema.PROCESSLIST p WHERE " + CLIENTS
            + " GROUP BY p.COMMAND";

    static final String TRANSACTIONS = """
            SELECT COUNT(*) AS trx,
                   COALESCE(MAX(TIMESTAMPDIFF(SECOND, t.trx_started, NOW())), 0) AS longest,
                   COALESCE(SUM(t.trx_state = 'LOCK WAIT'), 0) AS lock_waits,
                   COALESCE(MAX(CASE WHEN t.trx_state = 'LOCK WAIT'
                                     THEN TIMESTAMPDIFF(SECOND, t.trx_wait_started, NOW()) END), 0) AS longest_wait,
                   COALESCE(SUM(p.COMMAND = 'Sleep'), 0) AS sleeping,
                   COALESCE(MAX(CASE WHEN p.COMMAND = 'Sleep' THEN p.TIME END), 0) AS sleeping_max
              FROM information_schema.INNODB_TRX t
              JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
             WHERE""" + " " + CLIENTS;

    /**
     * The session of the longest running statement and the one sleeping longest inside a transaction. Starts are
     * computed in the statement's own clock ({@code UNIX_TIMESTAMP()} minus the age), independent of time zones.
     */
    static final String LONGEST = "(SELECT 'query' AS kind, p.ID AS id, p.USER AS user, "
            + "CAST(UNIX_TIMESTAMP() - p.TIME AS SIGNED) AS started, p.TIME AS seconds FROM information_schema.PROCESSLIST p "
            + "WHERE p.COMMAND IN ('Query', 'Execute') AND p.INFO IS NOT NULL AND " + CLIENTS
            + " ORDER BY p.TIME DESC LIMIT 1) UNION ALL (SELECT 'sleeping', p.ID, p.USER, "
            + "CAST(UNIX_TIMESTAMP() - TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS SIGNED), p.TIME "
            + "FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id "
            + "WHERE p.COMMAND = 'Sleep' AND " + CLIENTS + " ORDER BY p.TIME DESC LIMIT 1)";

    @Override
    public String name() {
        return "processlist";
    }

    @Override
    public Duration defaultInterval() {
        return Duration.ofSeconds(15);
    }

    @Override
    public Uni<List<MetricPoint>> collect(MySqlContext context, SqlClient client) {
        return client.query(THREADS).execute().chain(threads -> client.query(TRANSACTIONS).execute()
                .chain(trx -> client.query(LONGEST).execute().map(longest -> List.of(trx, longest)))
                .onFailure().transform(e -> e.getMessage() != null && e.getMessage().contains("PROCESS")
                        ? new FamilyUnavailableException("reading INNODB_TRX needs the PROCESS privilege") : e)
                .map(results -> {
                    var trx = results.get(0);
                    Row query = null;
                    Row sleeper = null;
                    for (Row r : results.get(1)) {
                        if ("query".equals(MySqlValues.text(r.getValue("kind")))) {
                            query = r;
                        } else {
                            sleeper = r;
                        }
                    }
                    PointsBuilder points = new PointsBuilder();
                    for (Row r : threads) {
                        String command = MySqlValues.text(r.getValue("command"));
                        points.add("mysql_info_schema_processlist_threads", MySqlValues.number(r.getValue("threads")),
                                "command", command.toLowerCase(java.util.Locale.ROOT));
                    }
                    session(points, "mysql_info_schema_processlist_longest_query_seconds", query);
                    Row t = trx.iterator().next();
                    points.add("mysql_info_schema_innodb_trx_count", MySqlValues.number(t.getValue("trx")));
                    points.add("mysql_info_schema_innodb_trx_longest_seconds", MySqlValues.number(t.getValue("longest")));
                    points.add("mysql_info_schema_innodb_trx_lock_wait_count", MySqlValues.number(t.getValue("lock_waits")));
                    points.add("mysql_info_schema_innodb_trx_lock_wait_longest_seconds",
                            MySqlValues.number(t.getValue("longest_wait")));
                    points.add("mysql_info_schema_innodb_trx_sleeping_count", MySqlValues.number(t.getValue("sleeping")));
                    session(points, "mysql_info_schema_innodb_trx_sleeping_max_seconds", sleeper);
                    return points.build();
                }));
    }

    /** The session's age with its identity as labels; 0 without labels when there is no such session. */
    private static void session(PointsBuilder points, String name, Row r) {
        if (r == null) {
            points.add(name, 0);
            return;
        }
        points.add(name, MySqlValues.number(r.getValue("seconds")), "id", MySqlValues.text(r.getValue("id")),
                "started", MySqlValues.text(r.getValue("started")), "user", MySqlValues.text(r.getValue("user")));
    }
}
