package io.dbautopilot.performance.fleet;

import io.dbautopilot.performance.collect.TargetsConfig;
import io.dbautopilot.support.fleet.FleetConfig;
import io.dbautopilot.support.fleet.KafkaClientSettings;
import io.dbautopilot.support.fleet.RegisteredTarget;
import io.dbautopilot.support.fleet.TargetStore;
import io.dbautopilot.support.fleet.TargetValidator;
import io.dbautopilot.support.fleet.TargetWriter;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Optional;

/**
 * Joins this instance to the fleet at start: reads the registry, writes the property targets to it, then joins the
 * collector group so the targets of the partitions it is assigned are collected here; leaves the group at shutdown.
 */
@ApplicationScoped
public class CollectorFleet {

    private static final Logger LOG = Logger.getLogger(CollectorFleet.class);

    private final TargetStore store;
    private final TargetWriter writer;
    private final TargetValidator validator;
    private final TargetsConfig targets;
    private final FleetConfig registry;
    private final CollectorFleetConfig config;
    private final Ownership ownership;
    private final KafkaClientSettings kafka;
    private final String instanceId;
    private volatile FleetMembership membership;

    public CollectorFleet(TargetStore store, TargetWriter writer, TargetValidator validator, TargetsConfig targets, FleetConfig registry,
                          CollectorFleetConfig config, Ownership ownership, Config mpConfig) {
        this.store = store;
        this.writer = writer;
        this.validator = validator;
        this.targets = targets;
        this.registry = registry;
        this.config = config;
        this.ownership = ownership;
        this.kafka = KafkaClientSettings.from(mpConfig);
        this.instanceId = config.instanceId().filter(s -> !s.isBlank()).orElseGet(CollectorFleet::defaultInstanceId);
    }

    /** After the other start-up checks (bad property URLs fail first, naming the setting). */
    void onStart(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent event) throws InterruptedException {
        if (!store.awaitCaughtUp(registry.catchUpTimeout())) {
            LOG.warnf("The fleet registry was not read completely within %s; targets appear as it is read",
                    registry.catchUpTimeout());
        }
        importProperties();
        store.addListener(ownership::registryChanged);
        membership = new FleetMembership(kafka, config, instanceId, ownership);
        membership.start();
        if (membership.awaitAssignment(config.assignmentTimeout())) {
            LOG.infof("Joined collector group %s as %s; owning registry partitions %s", config.collectorGroup(),
                    instanceId, ownership.partitions());
        } else {
            LOG.warnf("No share of the fleet assigned to %s within %s; targets are collected once the group assigns them",
                    instanceId, config.assignmentTimeout());
        }
    }

    /** Writes every {@code autopilot.targets.<id>.*} target the registry does not already hold as it is. */
    void importProperties() {
        targets.targets().forEach((id, target) -> {
            var definition = PropertyTargets.definition(id, target);
            var errors = validator.validate(definition);
            if (!errors.isEmpty()) {
                throw new IllegalArgumentException("autopilot.targets." + id + " is not a valid target: " + errors.stream()
                        .map(e -> e.field() + ": " + e.message()).toList());
            }
            Optional<RegisteredTarget> held = store.get(id);
            if (held.isPresent() && held.get().definition().sameAs(definition)) {
                return;
            }
            writer.put(definition.stamped(PropertyTargets.SOURCE, Instant.now(), PropertyTargets.SOURCE));
            LOG.infof("Target %s from autopilot.targets.%s.* written to the fleet registry", id, id);
        });
    }

    void onStop(@Observes ShutdownEvent event) {
        FleetMembership m = membership;
        if (m != null) {
            m.stop();
        }
    }

    /** This instance's name in the collector group (a target's {@code owner}). */
    public String instanceId() {
        return instanceId;
    }

    /** Client settings of the fleet's own Kafka clients (never logged). */
    KafkaClientSettings kafka() {
        return kafka;
    }

    private static String defaultInstanceId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("localhost");
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
