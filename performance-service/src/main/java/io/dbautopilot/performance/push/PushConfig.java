package io.dbautopilot.performance.push;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the WebSocket push channel {@code /api/ws}. */
@ConfigMapping(prefix = "autopilot.push")
public interface PushConfig {

    /**
     * Messages one client may fall behind by (queued while the previous ones are still being written) before it is
     * disconnected with close code 1013, so a slow client never holds anything up (env {@code AUTOPILOT_PUSH_BUFFER}).
     */
    @WithDefault("512")
    int buffer();
}
