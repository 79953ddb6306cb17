package io.dbautopilot.support.state;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/** Says at start-up which state database the service uses (the first thing to check when readiness is DOWN). */
@ApplicationScoped
public class StateDatabaseBanner {

    private static final Logger LOG = Logger.getLogger(StateDatabaseBanner.class);

    void onStart(@Observes StartupEvent event, StateDatabaseConfig config,
                 @ConfigProperty(name = "quarkus.flyway.schemas") String schema) {
        LOG.infof("State database: %s as %s (schema %s, migrated by Flyway)", config.url(), config.username(), schema);
    }
}
