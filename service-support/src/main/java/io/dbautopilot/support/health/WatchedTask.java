package io.dbautopilot.support.health;

import java.time.Duration;
import java.util.Objects;

/**
 * A background task shown on {@code /health}: a Quarkus scheduler job, named by its trigger id (programmatic jobs,
 * e.g. {@code collect-demo}) or its method ({@code io.dbautopilot....AnomalyRelay#scheduled} for {@code @Scheduled}).
 *
 * @param name     what the summary calls it, e.g. {@code collection demo}
 * @param job      the trigger id or {@code Class#method} of the job
 * @param interval how often it is meant to run; null: read from the scheduler (next minus previous fire time)
 */
public record WatchedTask(String name, String job, Duration interval) {

    /** Checks name and job. */
    public WatchedTask {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(job, "job");
    }

    /** A {@code @Scheduled} method's task, its interval read from the scheduler. */
    public static WatchedTask method(String name, Class<?> type, String method) {
        return new WatchedTask(name, type.getName() + "#" + method, null);
    }
}
