package io.dbautopilot.support.access;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The configured API keys, validated at start (a bad entry fails the start naming the setting), and which caller a
 * presented key belongs to, compared in constant time against every key.
 */
@Startup
@ApplicationScoped
public class ApiKeys {

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);

    /** An authenticated caller: its configured name and roles. */
    public record Caller(String name, Set<String> roles) {
    }

    private record Key(byte[] secret, Caller caller) {
    }

    private final ApiAccessConfig config;
    private final List<Key> keys = new ArrayList<>();

    public ApiKeys(ApiAccessConfig config) {
        this.config = config;
    }

    @PostConstruct
    void load() {
        validate();
    }

    /** Reads and checks the configured keys; throws naming the setting of the first bad entry. */
    public void validate() {
        keys.clear();
        add("autopilot.api.viewer-keys", config.viewerKeys().orElse(List.of()), Set.of(Roles.VIEWER));
        add("autopilot.api.operator-keys", config.operatorKeys().orElse(List.of()), Set.of(Roles.VIEWER, Roles.OPERATOR));
        if (!keys.isEmpty() && config.open()) {
            throw new IllegalArgumentException("autopilot.api.open=true contradicts the configured API keys: remove "
                    + "autopilot.api.open (AUTOPILOT_API_OPEN) or the keys");
        }
        if (config.open()) {
            LOG.warn("API access is OPEN (autopilot.api.open=true): anyone who reaches the port may read AND change "
                    + "(silences, acknowledgements, operations, backups, migrations). Configure "
                    + "autopilot.api.viewer-keys / operator-keys for anything but a laptop");
        } else if (keys.isEmpty()) {
            LOG.info("No API keys configured (autopilot.api.viewer-keys / operator-keys): reads are open, every change "
                    + "is refused with 401 until an operator key is configured");
        } else {
            LOG.infof("API access control is on: %d viewer and %d operator key(s)",
                    keys.stream().filter(k -> !k.caller().roles().contains(Roles.OPERATOR)).count(),
                    keys.stream().filter(k -> k.caller().roles().contains(Roles.OPERATOR)).count());
        }
    }

    private void add(String setting, List<String> entries, Set<String> roles) {
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i).trim();
            int colon = entry.indexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException(setting + "[" + i + "]: expected 'name:secret'");
            }
            byte[] secret = entry.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
            if (secret.length < 8) {
                throw new IllegalArgumentException(setting + "[" + i + "]: the secret must be at least 8 characters");
            }
            if (keys.stream().anyMatch(k -> MessageDigest.isEqual(k.secret(), secret))) {
                throw new IllegalArgumentException(setting + "[" + i + "]: the same secret is configured twice");
            }
            keys.add(new Key(secret, new Caller(entry.substring(0, colon), roles)));
        }
    }

    /** Whether any key is configured. */
    public boolean configured() {
        return !keys.isEmpty();
    }

    /** Whether anonymous callers may change things ({@code autopilot.api.open=true} and no key configured). */
    public boolean open() {
        return config.open() && keys.isEmpty();
    }

    /** The caller a presented key belongs to; every configured key is compared, in constant time. */
    public Optional<Caller> authenticate(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] bytes = presented.getBytes(StandardCharsets.UTF_8);
        Caller found = null;
        for (Key k : keys) {
            if (MessageDigest.isEqual(bytes, k.secret())) {
                found = k.caller();
            }
        }
        return Optional.ofNullable(found);
    }
}
