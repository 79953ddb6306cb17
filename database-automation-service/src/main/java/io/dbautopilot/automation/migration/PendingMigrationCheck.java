package io.dbautopilot.automation.migration;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.policy.Decision;
import io.dbautopilot.automation.policy.Mode;
import io.dbautopilot.automation.policy.PolicyDecider;
import io.dbautopilot.automation.policy.Trigger;
import io.dbautopilot.automation.state.StateTransactions;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import org.flywaydb.core.api.MigrationInfo;
import org.jboss.logging.Logger;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Looks for pending migrations every {@code autopilot.migrations.check-interval} and turns them into a
 * {@code migration_pending} finding: the policy (rule matching {@code migration_pending}; approval when no rule
 * matches) decides the mode of the {@code migrate} operation it requests, whose {@code requested} event on
 * {@code autopilot.operations.v1} is the published "migration pending" event.
 */
@ApplicationScoped
public class PendingMigrationCheck {

    /** The finding's rule name in the policy. */
    public static final String FINDING = "migration_pending";

    private static final Logger LOG = Logger.getLogger(PendingMigrationCheck.class);

    private final ManagedDatabases databases;
    private final MigrationFlyway flyways;
    private final MigrationRequests requests;
    private final PolicyDecider policy;
    private final StateTransactions transactions;

    public PendingMigrationCheck(ManagedDatabases databases, MigrationFlyway flyways, MigrationRequests requests, PolicyDecider policy,
                                 StateTransactions transactions) {
        this.databases = databases;
        this.flyways = flyways;
        this.requests = requests;
        this.policy = policy;
        this.transactions = transactions;
    }

    @Scheduled(every = "${autopilot.migrations.check-interval:10m}", delayed = "5s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    void scheduled() {
        for (String id : flyways.ids()) {
            if (!databases.exists(id) || databases.engineOf(id)
                    .filter(e -> !io.dbautopilot.automation.engine.Engines.MIGRATION_ENGINES.contains(e)).isPresent()) {
                continue; // an engine without migrations here is reported unavailable by GET /api/databases
            }
            try {
                check(id);
            } catch (RuntimeException e) {
                LOG.warnf("Pending-migration check of %s failed, will retry: %s", id, e.getMessage());
            }
        }
    }

    /** Checks one database; returns the operation requested, if any. */
    public Optional<Operation> check(String id) {
        List<MigrationInfo> pending = Arrays.stream(flyways.flyway(id, "migrations", null).info().pending())
                .filter(mi -> mi.getVersion() != null).toList();
        if (pending.isEmpty() || unfinishedMigration(id)) {
            return Optional.empty();
        }
        String latest = pending.get(pending.size() - 1).getVersion().getVersion();
        String list = pending.stream().map(mi -> mi.getVersion().getVersion() + " " + mi.getDescription())
                .collect(Collectors.joining(", "));
        String summary = pending.size() + " pending migration(s) on " + id + ": " + list;
        Trigger finding = Trigger.finding(id, FINDING, "migrate", null);
        boolean ruleMatches = policy.policy().rules().stream().anyMatch(r -> r.matches(finding));
        Optional<Decision> decision = policy.decide(finding);
        String mode;
        String rule;
        String reason;
        if (decision.isPresent()) {
            mode = decision.get().mode().wire();
            rule = decision.get().ruleName();
            reason = FINDING + ": " + summary + "; " + decision.get().reason();
        } else if (ruleMatches) {
            LOG.debugf("%s: policy mode off for migration_pending, no operation", id);
            return Optional.empty();
        } else {
            mode = Mode.APPROVAL.wire();
            rule = null;
            reason = FINDING + ": " + summary + "; no policy rule for migration_pending: approval by default";
        }
        Optional<Operation> op = requests.pending(id, latest, mode, rule, reason);
        op.ifPresent(o -> LOG.infof("%s -> operation %s (%s)", summary, o.id(), o.status().wire()));
        return op;
    }

    private boolean unfinishedMigration(String id) {
        return transactions.inTransaction(tx -> {
            try (PreparedStatement ps = tx.prepareStatement("""
                    SELECT 1 FROM automation.operation WHERE target_id = ? AND type IN ('migrate', 'migrate_undo')
                       AND status NOT IN ('succeeded', 'failed', 'cancelled', 'would_run') LIMIT 1""")) {
                ps.setString(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }
}
