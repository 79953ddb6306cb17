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
 * The binary log ({@code SHOW BINARY LOGS}), as mysqld_exporter's {@code binlog_size} collector names it:
 * {@code mysql_binlog_size_bytes} (all files), {@code mysql_binlog_files} and {@code mysql_binlog_file_number} (of
 * the newest). Unavailable while {@code log_bin} is off.
 */
@ApplicationScoped
public class BinlogFamily implements MySqlFamily {

    @Override
    public String name() {
        return "binlog";
    }

    @Override
    public Duration defaultInterval() {
        return Duration.ofSeconds(30);
    }

    @Override
    public Uni<List<MetricPoint>> collect(MySqlContext context, SqlClient client) {
        return client.query("SELECT @@log_bin AS log_bin").execute().chain(on -> {
            Number enabled = MySqlValues.number(on.iterator().next().getValue(0));
            if (enabled == null || enabled.intValue() != 1) {
                throw new FamilyUnavailableException("the binary log is off (log_bin = OFF)");
            }
            return client.query("SHOW BINARY LOGS").execute()
                    .onFailure().transform(e -> new FamilyUnavailableException("cannot list the binary logs ("
                            + e.getMessage() + "): the monitoring user needs BINLOG MONITOR (MariaDB) or "
                            + "REPLICATION CLIENT (MySQL)"));
        }).map(rows -> {
            double size = 0;
            int files = 0;
            long number = 0;
            for (Row r : rows) {
                files++;
                Number bytes = MySqlValues.number(r.getValue(1));
                size += bytes == null ? 0 : bytes.doubleValue();
                String name = MySqlValues.text(r.getValue(0));
                int dot = name.lastIndexOf('.');
                if (dot >= 0) {
                    Number n = MySqlValues.number(name.substring(dot + 1));
                    number = n == null ? number : Math.max(number, n.longValue());
                }
            }
            return new PointsBuilder().add("mysql_binlog_size_bytes", size).add("mysql_binlog_files", files)
                    .add("mysql_binlog_file_number", number).build();
        });
    }
}
