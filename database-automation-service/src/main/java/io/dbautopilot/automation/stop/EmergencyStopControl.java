package io.dbautopilot.automation.stop;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationRequests;
import io.dbautopilot.automation.operation.OperationStatus;
import io.dbautopilot.automation.operation.OperationStore;
import io.dbautopilot.automation.state.StateTransactions;
import io.dbautopilot.support.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Puts emergency stops in force (persisted first, so nothing new is created or claimed for the scope, then every
 * waiting operation cancelled and every running one cancelled on the target through the operations' cancel path) and
 * lifts them.
 */
@ApplicationScoped
public class EmergencyStopControl {

    private static final Logger LOG = Logger.getLogger(EmergencyStopControl.class);

    /** What a stop did: the stop, the waiting operations cancelled and the running ones being cancelled. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Activation(EmergencyStop stop, List<UUID> cancelled, List<UUID> cancelling) {
    }

    private final StateTransactions transactions;
    private final EmergencyStops stops;
    private final OperationStore store;
    private final OperationRequests requests;

    public EmergencyStopControl(StateTransactions transactions, EmergencyStops stops, OperationStore store,
                                OperationRequests requests) {
        this.transactions = transactions;
        this.stops = stops;
        this.requests = requests;
        this.store = store;
    }

    /** Puts a stop in force for a target (null: every target) and cancels what is waiting or running there. */
    public Activation activate(String target, String reason, String caller) {
        EmergencyStop stop = transactions.inTransaction(tx -> stops.put(tx, target, reason, caller));
        LOG.warnf("Emergency stop in force: %s", stop.refusal());
        List<Operation> unfinished = transactions.inTransaction(tx -> store.unfinished(tx, target));
        List<UUID> cancelled = new ArrayList<>();
        List<UUID> cancelling = new ArrayList<>();
        for (Operation op : unfinished) {
            try {
                Operation after = requests.cancel(op.id(), caller, stop.refusal());
                (after.status() == OperationStatus.RUNNING ? cancelling : cancelled).add(op.id());
            } catch (ProblemException finishedMeanwhile) {
                LOG.debugf("Operation %s finished before the emergency stop reached it: %s", op.id(),
                        finishedMeanwhile.getMessage());
            }
        }
        return new Activation(stop, cancelled, cancelling);
    }

    /** Lifts the stop of a target (null: the global one); 404 when none is in force for that scope. */
    public EmergencyStop lift(String target, String caller) {
        EmergencyStop lifted = transactions.inTransaction(tx -> stops.lift(tx, target)).orElseThrow(() ->
                ProblemException.notFound("no emergency stop in force for " + (target == null ? "all targets (global)"
                        : "target '" + target + "'") + "; in force: " + scopes()));
        LOG.warnf("Emergency stop lifted by %s: was %s", caller, lifted.refusal());
        return lifted;
    }

    /** The stops in force. */
    public List<EmergencyStop> list() {
        return transactions.inTransaction(stops::list);
    }

    private String scopes() {
        List<EmergencyStop> all = list();
        return all.isEmpty() ? "none" : String.join(", ", all.stream()
                .map(s -> s.global() ? "global" : s.target()).toList());
    }
}
