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
 * longest sleep). The collector's own session and the server's threads are left out.
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
                .onFailure().transform(e -> e.getMessage() != null && e.getMessage().contains("PROCESS")
                        ? new FamilyUnavailableException("reading INNODB_TRX needs the PROCESS privilege") : e)
                .map(trx -> {
                    PointsBuilder points = new PointsBuilder();
                    double longestQuery = 0;
                    for (Row r : threads) {
                        String command = MySqlValues.text(r.getValue("command"));
                        points.add("mysql_info_schema_processlist_threads", MySqlValues.number(r.getValue("threads")),
                                "command", command.toLowerCase(java.util.Locale.ROOT));
                        if ("Query".equals(command)) {
                            longestQuery = MySqlValues.number(r.getValue("longest")).doubleValue();
                        }
                    }
                    points.add("mysql_info_schema_processlist_longest_query_seconds", longestQuery);
                    Row t = trx.iterator().next();
                    points.add("mysql_info_schema_innodb_trx_count", MySqlValues.number(t.getValue("trx")));
                    points.add("mysql_info_schema_innodb_trx_longest_seconds", MySqlValues.number(t.getValue("longest")));
                    points.add("mysql_info_schema_innodb_trx_lock_wait_count", MySqlValues.number(t.getValue("lock_waits")));
                    points.add("mysql_info_schema_innodb_trx_lock_wait_longest_seconds",
                            MySqlValues.number(t.getValue("longest_wait")));
                    points.add("mysql_info_schema_innodb_trx_sleeping_count", MySqlValues.number(t.getValue("sleeping")));
                    points.add("mysql_info_schema_innodb_trx_sleeping_max_seconds",
                            MySqlValues.number(t.getValue("sleeping_max")));
                    return points.build();
                }));
    }
}
