package io.dbautopilot.support.health;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.model.HealthSummary;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.health.SmallRyeHealth;
import io.smallrye.health.SmallRyeHealthReporter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Computes the {@code /health} summary in the background every {@code autopilot.health-summary.refresh-interval}
 * (on a worker thread; a refresh still running when the next is due is skipped) and hands it to {@link LatestHealth}:
 * the MicroProfile checks, then each service's {@link HealthContribution} (targets, open anomalies, tasks) and the peer
 * service's {@code /health}. Decides the overall status: unhealthy when a check is DOWN (the probes' meaning), degraded
 * when a target is unreachable, a task overdue or the peer unreachable or unhealthy, else healthy. A degraded peer does
 * not degrade this service (two degraded peers would otherwise hold each other degraded).
 */
@ApplicationScoped
public class HealthRefresher {

    private static final Logger LOG = Logger.getLogger(HealthRefresher.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final SmallRyeHealthReporter reporter;
    private final Instance<HealthContribution> contributions;
    private final TaskRuns taskRuns;
    private final PeerHealth peerHealth;
    private final LatestHealth latest;
    private final HealthSummaryConfig config;
    private final ObjectMapper mapper;
    private final String service;
    private final String version;
    private volatile String lastStatus;
    /** Whether every startup check has been UP once (from then on they no longer count). */
    private volatile boolean started;

    public HealthRefresher(SmallRyeHealthReporter reporter, Instance<HealthContribution> contributions,
                           TaskRuns taskRuns, PeerHealth peerHealth, LatestHealth latest, HealthSummaryConfig config,
                           ObjectMapper mapper,
                           @ConfigProperty(name = "quarkus.application.name") String service,
                           @ConfigProperty(name = "quarkus.application.version") String version) {
        this.reporter = reporter;
        this.contributions = contributions;
        this.taskRuns = taskRuns;
        this.peerHealth = peerHealth;
        this.latest = latest;
        this.config = config;
        this.mapper = mapper;
        this.service = service;
        this.version = version;
    }

    @Scheduled(identity = "health-summary", every = "${autopilot.health-summary.refresh-interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class) // not on the start path
    void scheduled() {
        latest.set(compute());
    }

    /** Computes a summary now (blocking: runs every check and reads the peer). */
    HealthSummary compute() {
        // the startup checks count until they have all been UP once, as a startup probe does: afterwards an idle Kafka
        // producer's "startup" check (an open connection, which it only re-opens on its next send) would hold /health
        // unhealthy after a broker outage that liveness and readiness have long recovered from
        List<SmallRyeHealth> groups = started
                ? List.of(reporter.getLiveness(), reporter.getReadiness(), reporter.getWellness())
                : List.of(reporter.getHealth());
        if (!started && !reporter.getStartup().isDown()) {
            started = true;
        }
        List<HealthSummary.Check> checks = new ArrayList<>();
        boolean down = false;
        for (SmallRyeHealth health : groups) {
            down |= health.isDown();
            try {
                checks.addAll(HealthSummary.checksOf(mapper.readValue(health.getPayload().toString(), MAP)));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("health payload is not JSON", e);
            }
        }
        List<WatchedTask> watched = new ArrayList<>();
        List<HealthSummary.TargetReach> targets = null;
        Map<String, Long> anomalies = null;
        Optional<HealthContribution.PeerService> peerService = Optional.empty();
        for (HealthContribution c : contributions) {
            watched.addAll(section("tasks", c::tasks, List.of()));
            Optional<List<HealthSummary.TargetReach>> t = section("targets", c::targets, Optional.empty());
            if (t.isPresent()) {
                targets = targets == null ? new ArrayList<>() : targets;
                targets.addAll(t.get());
            }
            Optional<Map<String, Long>> a = section("open anomalies", c::openAnomalies, Optional.empty());
            if (a.isPresent()) {
                anomalies = a.get();
            }
            if (peerService.isEmpty()) {
                peerService = c.peer();
            }
        }
        Instant now = Instant.now();
        List<HealthSummary.Task> tasks = watched.isEmpty() ? null : taskRuns.tasks(watched, config.overdueFactor(), now);
        HealthSummary.Peer peer = peerService.map(this::peer).orElse(null);

        List<String> reasons = new ArrayList<>();
        String status;
        if (down) {
            status = HealthSummary.UNHEALTHY;
            checks.stream().filter(c -> HealthSummary.DOWN.equals(c.status()))
                    .forEach(c -> reasons.add("check " + c.name() + " is DOWN"));
        } else {
            if (targets != null) {
                targets.stream().filter(t -> Boolean.FALSE.equals(t.reachable()))
                        .forEach(t -> reasons.add("target " + t.id() + " unreachable"));
            }
            if (tasks != null) {
                tasks.stream().filter(HealthSummary.Task::overdue).forEach(t -> reasons.add("task " + t.name() + " overdue"));
            }
            if (peer != null && (HealthSummary.Peer.UNREACHABLE.equals(peer.status())
                    || HealthSummary.UNHEALTHY.equals(peer.status()) || HealthSummary.DOWN.equals(peer.status()))) {
                reasons.add("peer " + peer.service() + " " + peer.status());
            }
            status = reasons.isEmpty() ? HealthSummary.HEALTHY : HealthSummary.DEGRADED;
        }
        if (!status.equals(lastStatus)) {
            if (lastStatus != null || !HealthSummary.HEALTHY.equals(status)) {
                LOG.infof("Health is %s%s", status, reasons.isEmpty() ? "" : ": " + String.join(", ", reasons));
            }
            lastStatus = status;
        }
        long uptime = ManagementFactory.getRuntimeMXBean().getUptime() / 1000;
        return new HealthSummary(status, service, version, uptime, now, checks, targets, anomalies, tasks, peer);
    }

    private HealthSummary.Peer peer(HealthContribution.PeerService p) {
        if (p.url().isEmpty()) {
            return new HealthSummary.Peer(p.service(), null, HealthSummary.Peer.NOT_CONFIGURED,
                    p.setting() + " is not set", null);
        }
        PeerHealth.Reading r = peerHealth.read(p.url().get());
        String url = p.url().get().toString();
        return r.summary() == null
                ? new HealthSummary.Peer(p.service(), url, HealthSummary.Peer.UNREACHABLE, r.error(), r.checkedAt())
                : new HealthSummary.Peer(p.service(), url, peerStatus(r.summary().status()), null, r.checkedAt());
    }

    /** A peer's status; the UP / DOWN of a peer from before the summary's three states is mapped onto them. */
    private static String peerStatus(String status) {
        return switch (status) {
            case HealthSummary.UP -> HealthSummary.HEALTHY;
            case HealthSummary.DOWN -> HealthSummary.UNHEALTHY;
            default -> status;
        };
    }

    private static <T> T section(String what, java.util.function.Supplier<T> supplier, T otherwise) {
        try {
            return supplier.get();
        } catch (RuntimeException e) {
            // e.g. the state database is down: its check says so; the section is left out of this refresh
            LOG.debugf("Health section %s not available: %s", what, e.getMessage());
            return otherwise;
        }
    }
}
