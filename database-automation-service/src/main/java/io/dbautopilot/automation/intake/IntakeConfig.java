package io.dbautopilot.automation.intake;

import io.dbautopilot.model.EventSources;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;

/** Which producers the event intake trusts and how large a record it parses ({@code autopilot.intake.*}). */
@ConfigMapping(prefix = "autopilot.intake")
public interface IntakeConfig {

    /**
     * CloudEvents {@code source} values whose anomaly and recommendation events are acted on; a record from any other
     * source is dead-lettered with the reason (env {@code AUTOPILOT_INTAKE_ALLOWED_SOURCES}, comma-separated).
     * Default: the performance service's source.
     */
    @WithDefault(EventSources.PERFORMANCE_SERVICE)
    List<String> allowedSources();

    /**
     * Largest record value, in bytes, the intake parses; a larger one is dead-lettered unparsed with its size in the
     * reason, so a huge record never holds a thread in the schema check (env {@code AUTOPILOT_INTAKE_MAX_EVENT_BYTES}).
     * Default 1 MiB, the most a producer with Kafka's default {@code max.request.size} can send.
     */
    @WithDefault("1048576")
    int maxEventBytes();
}
