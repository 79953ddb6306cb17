package io.dbautopilot.performance.dashboard;

import jakarta.enterprise.context.ApplicationScoped;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

/** Engine, labels and owning instance of a target: the one place the fleet view learns them (today: postgresql, no labels). */
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

    private final String instance = instanceName();

    /** The facts of a target this instance collects. */
    public Facts of(String id) {
        // labels and engine come from the fleet registry (TargetStore) once it is on this branch
        return new Facts("postgresql", Map.of(), instance);
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
