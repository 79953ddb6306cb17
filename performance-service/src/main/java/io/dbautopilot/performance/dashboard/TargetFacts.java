package io.dbautopilot.performance.dashboard;

import io.dbautopilot.model.Engine;
import io.dbautopilot.support.fleet.RegisteredTarget;
import io.dbautopilot.support.fleet.TargetStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.UnknownHostException;
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
    private final String instance = instanceName();

    public TargetFacts(TargetStore registry) {
        this.registry = registry;
    }

    /** The facts of a target this instance collects: a target the registry does not hold is postgresql without labels. */
    public Facts of(String id) {
        Optional<RegisteredTarget> registered;
        try {
            registered = registry.get(id);
        } catch (RuntimeException e) {
            LOG.debugf("Fleet registry not readable for %s: %s", id, e.getMessage());
            registered = Optional.empty();
        }
        return registered.map(r -> new Facts(r.definition().engine() == null ? DEFAULT_ENGINE : r.definition().engine().wire(),
                        Map.copyOf(r.definition().labels()), instance))
                .orElseGet(() -> new Facts(DEFAULT_ENGINE, Map.of(), instance));
    }

    private static String instanceName() {
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            return host;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "pid-" + ProcessHandle.current().pid();
        }
    }
}
