package io.dbautopilot.performance.collect;

import io.dbautopilot.model.FamilyResult;
import io.dbautopilot.model.FamilyStatus;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one collection cycle for a target: every metric family on one pooled connection, each family isolated so
 * a failing one does not lose the others, plus {@code pg_up} (0 with the error when the target is unreachable).
 */
@ApplicationScoped
public class SnapshotCollector {

    private static final Logger LOG = Logger.getLogger(SnapshotCollector.class);

    private final TargetConnections connections;
    private final List<MetricFamily> families;

    public SnapshotCollector(TargetConnections connections, Instance<MetricFamily> families) {
        this.connections = connections;
        this.families = families.stream().toList();
    }

    /** Collects one snapshot; never fails: problems are reported inside the snapshot. */
    public Uni<MetricSnapshot> collect(String targetId) {
        Instant collectedAt = Instant.now();
        long start = System.nanoTime();
        Pool pool = connections.pool(targetId);
        return pool.getConnection()
                .onItem().transformToUni(conn -> runFamilies(conn)
                        .eventually(conn::close)
                        .map(results -> snapshot(targetId, collectedAt, start, results, null)))
                .onFailure().recoverWithItem(error -> {
                    LOG.debugf("target %s unreachable: %s", targetId, error.getMessage());
                    return snapshot(targetId, collectedAt, start, List.of(), describe(error));
                });
    }

    private Uni<List<Outcome>> runFamilies(io.vertx.mutiny.sqlclient.SqlConnection conn) {
        Uni<List<Outcome>> chain = Uni.createFrom().item(new ArrayList<>());
        for (MetricFamily family : families) {
            chain = chain.chain(done -> {
                long t0 = System.nanoTime();
                return family.collect(conn)
                        .map(points -> new Outcome(family.name(), points, null, elapsedMs(t0)))
                        .onFailure().recoverWithItem(e -> new Outcome(family.name(), List.of(), describe(e), elapsedMs(t0)))
                        .map(outcome -> {
                            done.add(outcome);
                            return done;
                        });
            });
        }
        return chain;
    }

    private static MetricSnapshot snapshot(String targetId, Instant collectedAt, long start, List<Outcome> outcomes,
                                           String connectError) {
        List<MetricPoint> points = new ArrayList<>();
        List<FamilyResult> results = new ArrayList<>();
        Map<String, String> errors = new LinkedHashMap<>();
        points.add(MetricPoint.of("pg_up", connectError == null ? 1 : 0));
        if (connectError != null) {
            errors.put("connection", connectError);
        }
        for (Outcome o : outcomes) {
            points.addAll(o.points());
            results.add(new FamilyResult(o.family(), o.error() == null ? FamilyStatus.RAN : FamilyStatus.FAILED,
                    o.durationMs(), o.error()));
            if (o.error() != null) {
                errors.put(o.family(), o.error());
            }
        }
        return new MetricSnapshot(targetId, collectedAt, elapsedMs(start), results, errors, points);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static long elapsedMs(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private record Outcome(String family, List<MetricPoint> points, String error, long durationMs) {
    }
}
