package io.dbautopilot.automation.access;

import io.smallrye.config.ConfigMapping;

import java.util.List;
import java.util.Optional;

/** Credentials of the {@code /api} endpoints ({@code autopilot.api.*}); {@code /health} and {@code /q/*} stay open. */
@ConfigMapping(prefix = "autopilot.api")
public interface ApiAccessConfig {

    /**
     * Viewer credentials (read-only: GET), comma-separated {@code name:secret} pairs, sent as {@code X-API-Key: secret}
     * or {@code Authorization: Bearer secret} (env: {@code AUTOPILOT_API_VIEWER_KEYS}).
     */
    Optional<List<String>> viewerKeys();

    /** Operator credentials (read and act: POST), same format (env: {@code AUTOPILOT_API_OPERATOR_KEYS}). */
    Optional<List<String>> operatorKeys();
}
