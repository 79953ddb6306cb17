package io.dbautopilot.performance.collect.redis;

import io.dbautopilot.model.MetricPoint;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.RedisConnection;

import java.time.Duration;
import java.util.List;

/** One group of related Redis metrics (redis_exporter's names), read on the target's one connection. */
public interface RedisFamily {

    /** Family name as reported in snapshots and used in configuration, e.g. {@code info}. */
    String name();

    /** How often the family runs unless configured otherwise ({@code null}: every cycle). */
    Duration defaultInterval();

    /** Reads the family's points (the cycle's INFO answer is in the context). */
    Uni<List<MetricPoint>> collect(RedisContext context, RedisConnection connection);
}
