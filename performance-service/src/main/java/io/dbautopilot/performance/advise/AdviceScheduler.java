package io.dbautopilot.performance.advise;

import io.dbautopilot.performance.collect.TargetRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Runs the advisors for every owned target on their own schedule ({@code autopilot.advice.interval}), not on every
 * collection cycle: a run still going when the next is due is skipped, and each target has its own job, run on a
 * worker thread.
 */
@ApplicationScoped
public class AdviceScheduler {

    private static final Logger LOG = Logger.getLogger(AdviceScheduler.class);

    private final AdviceConfig config;
    private final TargetRegistry targets;
    private final AdviceRunner runner;
    private final Scheduler scheduler;

    public AdviceScheduler(AdviceConfig config, TargetRegistry targets, AdviceRunner runner, Scheduler scheduler) {
        this.config = config;
        this.targets = targets;
        this.runner = runner;
        this.scheduler = scheduler;
    }

    void onStart(@Observes StartupEvent event) {
        if (config.interval().isNegative() || config.interval().isZero()) {
            throw new IllegalArgumentException("autopilot.advice.interval must be positive, got " + config.interval());
        }
        if (!config.enabled()) {
            LOG.info("Advisors are disabled (autopilot.advice.enabled=false)");
            return;
        }
        LOG.infof("Advisors run for every owned target every %s", config.interval());
    }

    /** Schedules the advisors of a target this instance now owns. */
    void onAcquired(@Observes TargetRegistry.Acquired acquired) {
        if (!config.enabled()) {
            return;
        }
        String id = acquired.target().id();
        scheduler.newJob(jobId(id))
                .setInterval(config.interval().toString())
                .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                .setTask(execution -> run(id))
                .schedule();
    }

    /** Stops the advisors of a target this instance gives up (a run in flight finishes; the registry waits for it). */
    void onReleasing(@Observes TargetRegistry.Releasing releasing) {
        scheduler.unscheduleJob(jobId(releasing.id()));
    }

    private static String jobId(String targetId) {
        return "advise-" + targetId;
    }

    private void run(String id) {
        if (!targets.begin(id)) {
            return;
        }
        try {
            targets.get(id).ifPresent(runner::run);
        } catch (RuntimeException e) {
            LOG.warnf("Advice run for %s failed: %s", id, e.getMessage());
        } finally {
            targets.end(id);
        }
    }
}
