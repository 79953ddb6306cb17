package io.dbautopilot.automation.partition;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.database.ManagedDatabasesConfig;
import io.dbautopilot.automation.operation.OperationRequests;
import io.dbautopilot.automation.state.StateTransactions;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks the configured range-partitioned tables (health for {@code GET /api/partitions}) and, on a schedule run by
 * one instance at a time, turns missing partitions ahead and partitions beyond retention into findings the policy
 * maps to operations ({@code partitions_missing}, {@code partitions_beyond_retention}).
 */
@ApplicationScoped
public class PartitionUpkeep {

    private static final Logger LOG = Logger.getLogger(PartitionUpkeep.class);
    /** Advisory lock key of the upkeep check ("partkp"). */
    private static final long UPKEEP_LOCK = 0x706172746b70L;

    private final ManagedDatabases databases;
    private final PartitionInspector inspector;
    private final OperationRequests requests;
    private final StateTransactions transactions;

    public PartitionUpkeep(ManagedDatabases databases, PartitionInspector inspector, OperationRequests requests,
                           StateTransactions transactions, PartitionsConfig config) {
        LOG.debugf("Partition upkeep checks every %s", config.checkInterval());
        this.databases = databases;
        this.inspector = inspector;
        this.requests = requests;
        this.transactions = transactions;
    }

    /** Health of every configured partition set. */
    public List<PartitionHealth> health() {
        List<PartitionHealth> out = new ArrayList<>();
        for (String id : databases.ids()) {
            ManagedDatabasesConfig.Database db;
            try {
                db = databases.settings(id);
            } catch (IllegalArgumentException removedMeanwhile) {
                continue;
            }
            if (db.partitions().isEmpty()) {
                continue;
            }
            try (Connection c = databases.connect(id, "partitions")) {
                db.partitions().forEach((name, cfg) -> out.add(health(c, id, name, cfg)));
            } catch (SQLException e) {
                db.partitions().forEach((name, cfg) -> out.add(new PartitionHealth(id, name, cfg.table(),
                        "database unreachable: " + e.getMessage(), cfg.interval(), 0, null, List.of(), List.of(), false)));
            }
        }
        return out;
    }

    private PartitionHealth health(Connection c, String id, String name, ManagedDatabasesConfig.PartitionedTable cfg) {
        try {
            PartitionInspector.Inspection in = inspector.inspect(c, cfg);
            if (in.problem() != null) {
                return new PartitionHealth(id, name, cfg.table(), in.problem(), cfg.interval(), 0, null, List.of(), List.of(), false);
            }
            Instant now = Instant.now();
            List<String> missing = PartitionInspector.missingAhead(cfg, in.partitions(), now).stream().map(Object::toString).toList();
            List<String> old = PartitionInspector.beyondRetention(cfg, in.partitions(), now).stream()
                    .map(p -> p.schema() + "." + p.name()).toList();
            return new PartitionHealth(id, name, in.table().orElseThrow().qualified(), null, cfg.interval(),
                    in.partitions().size(), PartitionInspector.coveredUntil(cfg, in.partitions(), now), missing, old,
                    missing.isEmpty() && old.isEmpty());
        } catch (SQLException e) {
            return new PartitionHealth(id, name, cfg.table(), "inspection failed: " + e.getMessage(), cfg.interval(), 0, null,
                    List.of(), List.of(), false);
        }
    }

    @Scheduled(every = "${autopilot.partitions.check-interval:10m}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void check() {
        try {
            transactions.withConnection(state -> {
                if (!tryLock(state, "pg_try_advisory_lock")) {
                    return null;
                }
                try {
                    requestUpkeep();
                } finally {
                    tryLock(state, "pg_advisory_unlock");
                }
                return null;
            });
        } catch (RuntimeException e) {
            LOG.warnf("Partition upkeep check failed, will retry: %s", e.getMessage());
        }
    }

    /** Creates the operations the policy asks for, for every unhealthy partition set. */
    void requestUpkeep() {
        for (PartitionHealth h : health()) {
            if (h.problem() != null) {
                LOG.debugf("Partition set %s/%s: %s", h.database(), h.partitionSet(), h.problem());
                continue;
            }
            Map<String, Object> params = Map.of("partition_set", h.partitionSet());
            if (!h.missingAhead().isEmpty()) {
                requests.fromFinding(h.database(), "partitions_missing", h.table(), params,
                        "no partition yet for " + h.missingAhead()).ifPresent(op ->
                        LOG.infof("Partition upkeep: operation %s (%s) requested for %s", op.id(), op.type().wire(), h.table()));
            }
            if (!h.beyondRetention().isEmpty()) {
                requests.fromFinding(h.database(), "partitions_beyond_retention", h.table(), params,
                        "partitions beyond retention: " + h.beyondRetention()).ifPresent(op ->
                        LOG.infof("Partition upkeep: operation %s (%s) requested for %s", op.id(), op.type().wire(), h.table()));
            }
        }
    }

    private static boolean tryLock(Connection c, String function) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + function + "(?)")) {
            ps.setLong(1, UPKEEP_LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
