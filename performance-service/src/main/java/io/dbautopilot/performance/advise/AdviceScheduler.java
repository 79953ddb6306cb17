package io.dbautopilot.performance.advise;

import io.dbautopilot.performance.collect.TargetRegistry;
import io.dbautopilot.performance.collect.TargetRuntime;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Runs the advisors for every target on their own schedule ({@code autopilot.advice.interval}), not on every
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
        for (TargetRuntime target : targets.all()) {
            scheduler.newJob("advise-" + target.id())
                    .setInterval(config.interval().toString())
                    .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
                    .setTask(execution -> run(target))
                    .schedule();
        }
        LOG.infof("Advisors run for %d target(s) every %s", targets.all().size(), config.interval());
    }

    private void run(TargetRuntime target) {
        try {
            runner.run(target);
        } catch (RuntimeException e) {
            LOG.warnf("Advice run for %s failed: %s", target.id(), e.getMessage());
        }
    }
}
