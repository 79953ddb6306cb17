package io.dbautopilot.performance.collect.mysql;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.FamilyUnavailableException;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Replication where the server is a replica ({@code SHOW SLAVE STATUS}, or {@code SHOW REPLICA STATUS} on MySQL 8.4):
 * {@code mysql_slave_status_slave_io_running}, {@code ..._slave_sql_running} (Yes = 1, anything else 0) and
 * {@code ..._seconds_behind_master} per channel, as mysqld_exporter names them, plus
 * {@code mysql_slave_status_configured} (1 on a replica, 0 otherwise).
 */
@ApplicationScoped
public class ReplicationFamily implements MySqlFamily {

    @Override
    public String name() {
        return "replication";
    }

    @Override
    public Duration defaultInterval() {
        return Duration.ofSeconds(15);
    }

    @Override
    public Uni<List<MetricPoint>> collect(MySqlContext context, SqlClient client) {
        return client.query("SHOW SLAVE STATUS").execute()
                .onFailure().recoverWithUni(e -> client.query("SHOW REPLICA STATUS").execute())
                .onFailure().transform(e -> new FamilyUnavailableException("cannot read the replication status ("
                        + e.getMessage() + "): the monitoring user needs REPLICATION CLIENT (or SLAVE MONITOR)"))
                .map(ReplicationFamily::map);
    }

    private static List<MetricPoint> map(RowSet<Row> rows) {
        PointsBuilder points = new PointsBuilder();
        int channels = 0;
        List<String> columns = rows.columnsNames();
        for (Row r : rows) {
            channels++;
            String channel = column(r, columns, "Connection_name", "Channel_Name");
            String primary = column(r, columns, "Master_Host", "Source_Host");
            String[] labels = {"channel_name", channel == null ? "" : channel, "master_host", String.valueOf(primary)};
            points.add("mysql_slave_status_slave_io_running",
                    running(column(r, columns, "Slave_IO_Running", "Replica_IO_Running")), labels);
            points.add("mysql_slave_status_slave_sql_running",
                    running(column(r, columns, "Slave_SQL_Running", "Replica_SQL_Running")), labels);
            points.add("mysql_slave_status_seconds_behind_master",
                    MySqlValues.number(column(r, columns, "Seconds_Behind_Master", "Seconds_Behind_Source")), labels);
            points.add("mysql_slave_status_last_io_errno",
                    MySqlValues.number(column(r, columns, "Last_IO_Errno", "Last_IO_Errno")), labels);
            points.add("mysql_slave_status_last_sql_errno",
                    MySqlValues.number(column(r, columns, "Last_SQL_Errno", "Last_SQL_Errno")), labels);
        }
        points.add("mysql_slave_status_configured", channels > 0 ? 1 : 0);
        return points.build();
    }

    private static int running(String state) {
        return state != null && state.trim().toLowerCase(Locale.ROOT).equals("yes") ? 1 : 0;
    }

    private static String column(Row r, List<String> columns, String name, String alternative) {
        if (columns.contains(name)) {
            return MySqlValues.text(r.getValue(name));
        }
        return columns.contains(alternative) ? MySqlValues.text(r.getValue(alternative)) : null;
    }
}
