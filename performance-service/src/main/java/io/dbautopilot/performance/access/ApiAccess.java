package io.dbautopilot.performance.access;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Validates the configured API credentials at start-up (a bad entry fails the start naming the setting) and tells
 * which caller (and role) a secret belongs to; with none configured, access control is off.
 */
@Startup
@ApplicationScoped
public class ApiAccess {

    private static final Logger LOG = Logger.getLogger(ApiAccess.class);

    /** What a credential may do. */
    public enum Role { VIEWER, OPERATOR }

    /** An authenticated caller. */
    public record Caller(String name, Role role) {
    }

    private final ApiAccessConfig config;
    private final Map<String, Caller> bySecret = new LinkedHashMap<>();

    public ApiAccess(ApiAccessConfig config) {
        this.config = config;
    }

    @PostConstruct
    void load() {
        add("autopilot.api.viewer-keys", config.viewerKeys().orElse(List.of()), Role.VIEWER);
        add("autopilot.api.operator-keys", config.operatorKeys().orElse(List.of()), Role.OPERATOR);
        if (bySecret.isEmpty()) {
            LOG.warn("API access control is OFF: no credentials configured (autopilot.api.viewer-keys / operator-keys,"
                    + " env AUTOPILOT_API_VIEWER_KEYS / AUTOPILOT_API_OPERATOR_KEYS); anyone who reaches the port may"
                    + " create and delete silences, acknowledge anomalies and capture baselines");
        } else {
            LOG.infof("API access control is on: %d viewer and %d operator credential(s)",
                    bySecret.values().stream().filter(c -> c.role() == Role.VIEWER).count(),
                    bySecret.values().stream().filter(c -> c.role() == Role.OPERATOR).count());
        }
    }

    private void add(String setting, List<String> entries, Role role) {
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i).trim();
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException(setting + "[" + i + "]: expected 'name:secret'");
            }
            String secret = entry.substring(colon + 1);
            if (secret.length() < 8) {
                throw new IllegalArgumentException(setting + "[" + i + "]: the secret must be at least 8 characters");
            }
            if (bySecret.put(secret, new Caller(entry.substring(0, colon), role)) != null) {
                throw new IllegalArgumentException(setting + "[" + i + "]: the same secret is configured twice");
            }
        }
    }

    /** Whether any credential is configured (else every request is let through). */
    public boolean enabled() {
        return !bySecret.isEmpty();
    }

    /** The caller a presented secret belongs to (constant-time comparison against every secret). */
    public Optional<Caller> authenticate(String secret) {
        if (secret == null || secret.isEmpty()) {
            return Optional.empty();
        }
        byte[] presented = secret.getBytes(StandardCharsets.UTF_8);
        Caller found = null;
        for (Map.Entry<String, Caller> e : bySecret.entrySet()) {
            if (MessageDigest.isEqual(presented, e.getKey().getBytes(StandardCharsets.UTF_8))) {
                found = e.getValue();
            }
        }
        return Optional.ofNullable(found);
    }
}
