package io.dbautopilot.performance.health;

import io.dbautopilot.model.Engine;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.advise.TargetSessions;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.dbautopilot.performance.collect.TargetConnections;
import io.dbautopilot.performance.engine.Reachability;
import io.dbautopilot.support.partition.PartitionCatalog;
import io.dbautopilot.support.partition.PartitionKey;
import io.dbautopilot.support.partition.PartitionedTable;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the partitioned tables of the targets this instance collects for {@code GET /api/health/partitions}: one
 * short session per database the collector visits (the URL's database when it visits none), through the advisors'
 * sessions (within the target's connection cap, with its timeouts) and the catalog reads shared with the automation
 * service ({@link PartitionCatalog}). Catalog reads only; nothing is changed on a target.
 */
@ApplicationScoped
public class PartitionInspection {

    private static final Logger LOG = Logger.getLogger(PartitionInspection.class);

    private final TargetSessions sessions;
    private final TargetConnections connections;
    private final LatestSnapshots latest;

    public PartitionInspection(TargetSessions sessions, TargetConnections connections, LatestSnapshots latest) {
        this.sessions = sessions;
        this.connections = connections;
        this.latest = latest;
    }

    /**
     * The partitioned tables of each target in scope, in scope order; the targets are read side by side (each within
     * its own connection cap), so the answer waits for the slowest target, not for all of them in turn. Blocking
     * (sessions on targets): call on a worker thread.
     */
    public List<PartitionSetHealth.TargetPartitions> read(List<HealthTargets.Scoped> targets) {
        List<java.util.concurrent.CompletableFuture<PartitionSetHealth.TargetPartitions>> reads = targets.stream()
                .map(t -> java.util.concurrent.CompletableFuture.supplyAsync(() -> read(t),
                        io.smallrye.mutiny.infrastructure.Infrastructure.getDefaultWorkerPool()))
                .toList();
        List<PartitionSetHealth.TargetPartitions> out = new ArrayList<>();
        for (var read : reads) {
            try {
                out.add(read.join());
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }
        return out;
    }

    private PartitionSetHealth.TargetPartitions read(HealthTargets.Scoped t) {
        if (!t.here()) {
            return skipped(t, "elsewhere", HealthTargets.elsewhere(t, "its partitions"));
        }
        if (t.engine() != Engine.POSTGRESQL) {
            return skipped(t, "unavailable", "partition inspection is available for PostgreSQL targets only, not "
                    + t.engine().wire());
        }
        Optional<MetricSnapshot> snapshot = latest.latest(t.id());
        if (snapshot.isPresent() && !Reachability.reached(snapshot.get())) {
            return skipped(t, "down", "the last collection cycle (" + snapshot.get().collectedAt()
                    + ") did not reach the server: not inspected");
        }
        List<String> databases = t.runtime().databases().isEmpty() ? List.of(connections.mainDatabase(t.id()))
                : t.runtime().databases();
        List<PartitionSetHealth> tables = new ArrayList<>();
        Map<String, String> errors = new LinkedHashMap<>();
        for (String database : databases) {
            try {
                tables.addAll(sessions.inDatabase(t.runtime(), database, c -> {
                    List<PartitionSetHealth> found = new ArrayList<>();
                    for (PartitionedTable table : PartitionCatalog.tables(c)) {
                        Optional<PartitionKey> key = PartitionCatalog.key(c, table.oid());
                        if (key.isEmpty()) {
                            continue; // dropped meanwhile
                        }
                        found.add(key.get().rangeOnTime()
                                ? PartitionSummary.of(database, table, key.get(), PartitionCatalog.partitions(c, table.oid(), true),
                                Instant.now())
                                : PartitionSummary.unmeasured(database, table, key.get()));
                    }
                    return found;
                }));
            } catch (SQLException e) {
                LOG.debugf("Partitions of %s in database %s not read: %s", t.id(), database, e.getMessage());
                errors.put(database, e.getMessage());
            }
        }
        return new PartitionSetHealth.TargetPartitions(t.id(), t.owner(), true, "inspected", databases,
                List.copyOf(tables), errors, errors.isEmpty() ? null : "some databases could not be inspected: see errors");
    }

    private static PartitionSetHealth.TargetPartitions skipped(HealthTargets.Scoped t, String status, String note) {
        return new PartitionSetHealth.TargetPartitions(t.id(), t.owner(), t.here(), status, List.of(), List.of(), Map.of(),
                note);
    }
}
