package io.dbautopilot.support.access;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;
import java.util.Optional;

/**
 * Who may call the {@code /api} endpoints ({@code autopilot.api.*}, the same settings in both services);
 * {@code /health} and {@code /q/*} stay open. With no key configured, reads are open and writes are refused unless
 * {@link #open()} is set.
 */
@ConfigMapping(prefix = "autopilot.api")
public interface ApiAccessConfig {

    /**
     * Viewer keys (reads), comma-separated {@code name:secret} pairs (secret ≥ 8 characters), sent as
     * {@code X-API-Key: secret} or {@code Authorization: Bearer secret} (env: {@code AUTOPILOT_API_VIEWER_KEYS}).
     */
    Optional<List<String>> viewerKeys();

    /** Operator keys (reads and every change), same format (env: {@code AUTOPILOT_API_OPERATOR_KEYS}). */
    Optional<List<String>> operatorKeys();

    /**
     * With no key configured, let anonymous callers change things too (env: {@code AUTOPILOT_API_OPEN}); for a
     * laptop only: logged as a warning at start, refused when keys are configured.
     */
    @WithDefault("false")
    boolean open();
}
