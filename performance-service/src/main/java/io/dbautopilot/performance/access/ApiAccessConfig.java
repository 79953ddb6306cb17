package io.dbautopilot.performance.access;

import io.smallrye.config.ConfigMapping;

import java.util.List;
import java.util.Optional;

/**
 * Credentials of the {@code /api} endpoints ({@code autopilot.api.*}, the same settings as the automation service);
 * {@code /q/*} stays open. With no credential configured at all, access control is off (logged at start-up).
 */
@ConfigMapping(prefix = "autopilot.api")
public interface ApiAccessConfig {

    /**
     * Viewer credentials (read-only: GET), comma-separated {@code name:secret} pairs, sent as {@code X-API-Key: secret}
     * or {@code Authorization: Bearer secret} (env: {@code AUTOPILOT_API_VIEWER_KEYS}).
     */
    Optional<List<String>> viewerKeys();

    /** Operator credentials (read and change: also POST, PUT, DELETE), same format (env: {@code AUTOPILOT_API_OPERATOR_KEYS}). */
    Optional<List<String>> operatorKeys();
}
