package io.dbautopilot.support.tool;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the one {@link ExternalTools} lookup injectable in both services, configured by {@link ToolsConfig}. */
@ApplicationScoped
public class ToolsProducer {

    private final ToolsConfig config;

    public ToolsProducer(ToolsConfig config) {
        this.config = config;
    }

    /** The lookup with {@code autopilot.tools.directory}. */
    @Produces
    @Singleton
    ExternalTools externalTools() {
        return ExternalTools.of(config.directory());
    }
}
