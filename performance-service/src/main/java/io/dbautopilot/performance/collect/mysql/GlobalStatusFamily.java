package io.dbautopilot.performance.collect.mysql;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/**
 * {@code SHOW GLOBAL STATUS} as {@code mysql_global_status_<name>} (every numeric value), plus the InnoDB buffer pool
 * hit ratio of the last interval ({@code mysql_innodb_buffer_pool_hit_ratio}, from the read-request and disk-read
 * counters' deltas) and its read-request rate.
 */
@ApplicationScoped
public class GlobalStatusFamily implements MySqlFamily {

    @Override
    public String name() {
        return "global_status";
    }

    @Override
    public Duration defaultInterval() {
        return Duration.ofSeconds(15);
    }

    @Override
    public Uni<List<MetricPoint>> collect(MySqlContext context, SqlClient client) {
        return client.query("SHOW GLOBAL STATUS").execute().map(rows -> {
            PointsBuilder points = new PointsBuilder();
            Double requests = null;
            Double reads = null;
            for (Row r : rows) {
                String name = MySqlValues.metricPart(MySqlValues.text(r.getValue(0)));
                Number value = MySqlValues.setting(r.getValue(1));
                if (value == null) {
                    continue;
                }
                points.add("mysql_global_status_" + name, value);
                if (name.equals("innodb_buffer_pool_read_requests")) {
                    requests = value.doubleValue();
                } else if (name.equals("innodb_buffer_pool_reads")) {
                    reads = value.doubleValue();
                }
            }
            if (requests != null && reads != null) {
                var dRequests = context.counters().advance("status/innodb_buffer_pool_read_requests", requests,
                        context.cycleStart(), context.epoch());
                var dReads = context.counters().advance("status/innodb_buffer_pool_reads", reads,
                        context.cycleStart(), context.epoch());
                if (dRequests.isPresent() && dReads.isPresent()) {
                    points.add("mysql_innodb_buffer_pool_read_requests_per_second", dRequests.get().perSecond());
                    if (dRequests.get().amount() > 0) {
                        double misses = Math.min(dReads.get().amount(), dRequests.get().amount());
                        points.add("mysql_innodb_buffer_pool_hit_ratio", 1 - misses / dRequests.get().amount());
                    }
                }
            }
            return points.build();
        });
    }
}
