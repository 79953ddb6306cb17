package io.dbautopilot.support.health;

import io.dbautopilot.model.HealthSummary;
import io.quarkus.scheduler.FailedExecution;
import io.quarkus.scheduler.Scheduler;
import io.quarkus.scheduler.SuccessfulExecution;
import io.quarkus.scheduler.Trigger;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the last successful and the last failed run of every Quarkus scheduler job (from the scheduler's
 * {@link SuccessfulExecution} / {@link FailedExecution} events, so no task has to report itself) and turns the
 * watched tasks into the summary's task list with their overdue flags.
 */
@ApplicationScoped
public class TaskRuns {

    private static final int MAX_ERROR = 300;

    private final Scheduler scheduler;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final Map<String, Instant> firstSeen = new ConcurrentHashMap<>();

    public TaskRuns(Scheduler scheduler) {
        this.scheduler = scheduler;
    }

    /** A job's last outcomes. */
    private record Run(Instant lastSuccess, Instant lastFailure, String error) {
    }

    void succeeded(@Observes SuccessfulExecution event) {
        record(event.getExecution().getTrigger(), true, null);
    }

    void failed(@Observes FailedExecution event) {
        Throwable e = event.getException();
        String error = e == null ? "failed" : e.getClass().getSimpleName() + (e.getMessage() == null ? ""
                : ": " + e.getMessage());
        record(event.getExecution().getTrigger(), false, error.length() > MAX_ERROR
                ? error.substring(0, MAX_ERROR) + "..." : error);
    }

    private void record(Trigger trigger, boolean ok, String error) {
        Instant now = Instant.now();
        for (String key : keys(trigger)) {
            runs.compute(key, (k, old) -> ok
                    ? new Run(now, old == null ? null : old.lastFailure(), old == null ? null : old.error())
                    : new Run(old == null ? null : old.lastSuccess(), now, error));
        }
    }

    private static List<String> keys(Trigger trigger) {
        String method = trigger.getMethodDescription();
        return method == null || method.isBlank() ? List.of(trigger.getId()) : List.of(trigger.getId(), method);
    }

    /**
     * The watched tasks as the summary shows them: a task is overdue when its last successful run (or the moment
     * this instance first saw it, when none) is older than {@code factor} times its interval. A task whose job is not
     * scheduled (any more) is left out.
     */
    public List<HealthSummary.Task> tasks(List<WatchedTask> watched, double factor, Instant now) {
        Map<String, Trigger> triggers = new HashMap<>();
        for (Trigger t : scheduler.getScheduledJobs()) {
            keys(t).forEach(k -> triggers.put(k, t));
        }
        List<HealthSummary.Task> out = new ArrayList<>();
        for (WatchedTask task : watched) {
            Trigger trigger = triggers.get(task.job());
            if (trigger == null) {
                continue;
            }
            Instant since = firstSeen.computeIfAbsent(task.job(), j -> now);
            Duration interval = task.interval() != null ? task.interval() : interval(trigger);
            Run run = runs.get(task.job());
            Instant last = run == null ? null : run.lastSuccess();
            Instant from = last != null ? last : since;
            boolean overdue = interval != null && !interval.isZero()
                    && Duration.between(from, now).toMillis() > (long) (interval.toMillis() * factor);
            out.add(new HealthSummary.Task(task.name(), interval == null ? 0 : Math.max(1, interval.toSeconds()),
                    last, run == null ? null : run.lastFailure(), run == null ? null : run.error(), overdue));
        }
        return out;
    }

    /** The interval of a job that has fired: next minus previous fire time; null before its first run. */
    private static Duration interval(Trigger trigger) {
        Instant previous = trigger.getPreviousFireTime();
        Instant next = trigger.getNextFireTime();
        return previous == null || next == null || !next.isAfter(previous) ? null : Duration.between(previous, next);
    }
}
