package io.dbautopilot.performance.collect;

import io.dbautopilot.model.MetricPoint;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/** Test-only family whose query always fails on the server (division by zero), to show failures stay isolated. */
@ApplicationScoped
public class BrokenProbeFamily implements MetricFamily {

    @Override
    public String name() {
        return "broken_probe";
    }

    @Override
    public FamilyScope scope() {
        return FamilyScope.SERVER;
    }

    @Override
    public Duration defaultInterval() {
        return Duration.ofSeconds(1);
    }

    @Override
    public Uni<List<MetricPoint>> collect(CollectionContext context, SqlClient client) {
        return client.query("SELECT 1 / 0 AS boom").execute().map(rows -> List.of(MetricPoint.of("boom", 1)));
    }
}
