package io.dbautopilot.performance.collect.redis;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.RedisConnection;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/**
 * The slow log as redis_exporter reads it: {@code redis_slowlog_length} ({@code SLOWLOG LEN}), and from the newest
 * entry ({@code SLOWLOG GET 1}) {@code redis_slowlog_last_id} (ever-growing: its rate is the slow commands per second)
 * and {@code redis_last_slow_execution_duration_seconds}.
 */
@ApplicationScoped
public class SlowlogFamily implements RedisFamily {

    @Override
    public String name() {
        return "slowlog";
    }

    @Override
    public Duration defaultInterval() {
        return null;
    }

    @Override
    public Uni<List<MetricPoint>> collect(RedisContext context, RedisConnection connection) {
        return connection.batch(List.of(Request.cmd(Command.SLOWLOG).arg("LEN"),
                        Request.cmd(Command.SLOWLOG).arg("GET").arg(1)))
                .map(replies -> {
                    PointsBuilder points = new PointsBuilder();
                    points.add("redis_slowlog_length", replies.get(0).toLong());
                    Response newest = replies.get(1);
                    if (newest != null && newest.size() > 0) {
                        Response entry = newest.get(0);
                        points.add("redis_slowlog_last_id", entry.get(0).toLong());
                        points.add("redis_last_slow_execution_duration_seconds", entry.get(2).toLong() / 1e6);
                    } else {
                        points.add("redis_slowlog_last_id", 0);
                        points.add("redis_last_slow_execution_duration_seconds", 0);
                    }
                    return points.build();
                });
    }
}
