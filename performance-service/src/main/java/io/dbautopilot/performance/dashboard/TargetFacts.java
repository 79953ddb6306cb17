package io.dbautopilot.performance.dashboard;

import io.dbautopilot.model.Engine;
import io.dbautopilot.support.fleet.RegisteredTarget;
import io.dbautopilot.support.fleet.TargetStore;
import jakarta.enterprise.context.ApplicationScoped;
import io.dbautopilot.performance.fleet.CollectorFleet;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Optional;

/** Engine, labels and owning instance of a target: the one place the fleet view learns them (from the fleet registry). */
@ApplicationScoped
public class TargetFacts {

    /**
     * What the fleet view shows of a target beside its collection state.
     *
     * @param engine database engine, e.g. {@code postgresql}
     * @param labels free-form labels (e.g. {@code env=prod}); empty when none are known
     * @param owner  the instance that collects the target
     */
    public record Facts(String engine, Map<String, String> labels, String owner) {
    }

    private static final Logger LOG = Logger.getLogger(TargetFacts.class);
    private static final String DEFAULT_ENGINE = Engine.POSTGRESQL.wire();

    private final TargetStore registry;
    private final CollectorFleet fleet;

    public TargetFacts(TargetStore registry, CollectorFleet fleet) {
        this.registry = registry;
        this.fleet = fleet;
    }

    /**
     * The facts of a target this instance collects (so this instance is its owner): a target the registry does not
     * hold is postgresql without labels.
     */
    public Facts of(String id) {
        String instance = fleet.instanceId();
        return registered(id).map(r -> facts(r, instance)).orElseGet(() -> new Facts(DEFAULT_ENGINE, Map.of(), instance));
    }

    /** This instance's id (owner of the targets it collects). */
    public String instance() {
        return fleet.instanceId();
    }

    /** Every registered target (the whole fleet, whoever collects it), by id. */
    public Map<String, RegisteredTarget> registered() {
        Map<String, RegisteredTarget> out = new java.util.TreeMap<>();
        try {
            registry.all().forEach(r -> out.put(r.id(), r));
        } catch (RuntimeException e) {
            LOG.debugf("Fleet registry not readable: %s", e.getMessage());
        }
        return out;
    }

    /** The facts of a registered target collected by {@code owner} (null when no instance holds its partition). */
    public static Facts facts(RegisteredTarget r, String owner) {
        return new Facts(r.definition().engine() == null ? DEFAULT_ENGINE : r.definition().engine().wire(),
                Map.copyOf(r.definition().labels()), owner);
    }

    private Optional<RegisteredTarget> registered(String id) {
        try {
            return registry.get(id);
        } catch (RuntimeException e) {
            LOG.debugf("Fleet registry not readable for %s: %s", id, e.getMessage());
            return Optional.empty();
        }
    }
}
