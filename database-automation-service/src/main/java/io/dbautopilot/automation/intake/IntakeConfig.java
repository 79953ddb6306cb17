package io.dbautopilot.automation.intake;

import io.dbautopilot.model.EventSources;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.List;

/** Which producers the event intake trusts ({@code autopilot.intake.*}). */
@ConfigMapping(prefix = "autopilot.intake")
public interface IntakeConfig {

    /**
     * CloudEvents {@code source} values whose anomaly and recommendation events are acted on; a record from any other
     * source is dead-lettered with the reason (env {@code AUTOPILOT_INTAKE_ALLOWED_SOURCES}, comma-separated).
     * Default: the performance service's source.
     */
    @WithDefault(EventSources.PERFORMANCE_SERVICE)
    List<String> allowedSources();
}
