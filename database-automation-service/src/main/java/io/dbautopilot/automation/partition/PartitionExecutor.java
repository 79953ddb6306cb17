package io.dbautopilot.automation.partition;

import io.dbautopilot.automation.database.CatalogObject;
import io.dbautopilot.automation.database.ManagedDatabasesConfig;
import io.dbautopilot.automation.execute.GuardedSession;
import io.dbautopilot.automation.execute.GuardedStatements;
import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationExecutor;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.Outcome;
import io.dbautopilot.support.partition.PartitionPeriod;
import io.dbautopilot.support.partition.RangePartition;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.dbautopilot.automation.execute.Effects.verified;

/**
 * Partition upkeep of a configured partition set ({@code partition_set} parameter): creates the missing current and
 * next partitions, or detaches (concurrently) and optionally drops those beyond retention, re-inspecting the table
 * before acting; verified by coverage and by nothing beyond retention staying attached.
 */
@ApplicationScoped
public class PartitionExecutor implements OperationExecutor {

    private final GuardedStatements guarded;
    private final PartitionInspector partitions;

    public PartitionExecutor(GuardedStatements guarded, PartitionInspector partitions) {
        this.guarded = guarded;
        this.partitions = partitions;
    }

    @Override
    public Set<OperationType> types() {
        return EnumSet.of(OperationType.PARTITION_CREATE, OperationType.PARTITION_DETACH, OperationType.PARTITION_DROP);
    }

    @Override
    public Outcome execute(ExecutionContext ctx) {
        Operation op = ctx.operation();
        return guarded.execute(ctx, s -> {
            Object name = op.parameters().get("partition_set");
            ManagedDatabasesConfig.PartitionedTable cfg = name == null ? null : s.settings().partitions().get(name.toString());
            if (cfg == null) {
                return new Outcome.Failed("partition set " + name + " is not configured for " + op.targetId(), Map.of());
            }
            PartitionInspector.Inspection before = partitions.inspect(s.connection(), cfg);
            if (before.problem() != null) {
                return new Outcome.Failed(before.problem(), Map.of());
            }
            return op.type() == OperationType.PARTITION_CREATE ? create(s, cfg, before)
                    : retention(s, cfg, before, op.type() == OperationType.PARTITION_DROP);
        });
    }

    private Outcome create(GuardedSession s, ManagedDatabasesConfig.PartitionedTable cfg,
                           PartitionInspector.Inspection before) throws SQLException {
        CatalogObject parent = before.table().orElseThrow();
        Instant now = Instant.now();
        List<String> created = new ArrayList<>();
        for (PartitionPeriod period : PartitionInspector.missingAhead(cfg, before.partitions(), now)) {
            String name = PartitionInspector.partitionName(parent.name(), cfg.interval(), period.from());
            s.run(createStatement(s, parent, name, before.keyType(), period), parent.oid(), parent.qualified());
            created.add(parent.schema() + "." + name + " " + period);
        }
        PartitionInspector.Inspection after = partitions.inspect(s.connection(), cfg);
        List<PartitionPeriod> stillMissing = PartitionInspector.missingAhead(cfg, after.partitions(), now);
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("partitions_before", before.partitions().size());
        effect.put("partitions_after", after.partitions().size());
        effect.put("created", created);
        effect.put("covered_until", String.valueOf(PartitionInspector.coveredUntil(cfg, after.partitions(), now)));
        effect.put("missing_ahead_after", stillMissing.stream().map(Object::toString).toList());
        return verified(stillMissing.isEmpty(), "CREATE TABLE ... PARTITION OF " + parent.quoted() + " x" + created.size(),
                effect, "periods still without a partition: " + stillMissing);
    }

    /** {@code CREATE TABLE ... PARTITION OF ...}, identifiers and bounds quoted by the server's {@code format()}. */
    private static String createStatement(GuardedSession s, CatalogObject parent, String name, String keyType,
                                          PartitionPeriod period) throws SQLException {
        try (PreparedStatement ps = s.connection().prepareStatement(
                "SELECT format('CREATE TABLE %I.%I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)', ?, ?, ?, ?, ?)")) {
            ps.setString(1, parent.schema());
            ps.setString(2, name);
            ps.setString(3, parent.quoted());
            ps.setString(4, PartitionInspector.bound(keyType, period.from()));
            ps.setString(5, PartitionInspector.bound(keyType, period.to()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private Outcome retention(GuardedSession s, ManagedDatabasesConfig.PartitionedTable cfg,
                              PartitionInspector.Inspection before, boolean drop) throws SQLException {
        CatalogObject parent = before.table().orElseThrow();
        Instant now = Instant.now();
        List<String> detached = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (RangePartition p : PartitionInspector.beyondRetention(cfg, before.partitions(), now)) {
            s.run("ALTER TABLE " + parent.quoted() + " DETACH PARTITION " + p.quoted() + " CONCURRENTLY",
                    parent.oid(), parent.qualified());
            detached.add(p.schema() + "." + p.name());
            if (drop) {
                s.run("DROP TABLE " + p.quoted(), null, p.schema() + "." + p.name());
                dropped.add(p.schema() + "." + p.name());
            }
        }
        PartitionInspector.Inspection after = partitions.inspect(s.connection(), cfg);
        List<String> left = PartitionInspector.beyondRetention(cfg, after.partitions(), now).stream()
                .map(p -> p.schema() + "." + p.name()).toList();
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("retention", String.valueOf(cfg.retention().orElse(null)));
        effect.put("detached", detached);
        effect.put("dropped", dropped);
        effect.put("beyond_retention_after", left);
        return verified(left.isEmpty(), (drop ? "DETACH + DROP" : "DETACH PARTITION CONCURRENTLY") + " on " + parent.quoted(),
                effect, "partitions still attached beyond retention: " + left);
    }
}
