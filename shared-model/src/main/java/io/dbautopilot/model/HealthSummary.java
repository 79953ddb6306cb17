package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The JSON body of each service's {@code /health} endpoint:
 * {@code {"status","service","version","uptime_seconds","checked_at","checks":[…],"targets":[…],
 * "open_anomalies":{…},"tasks":[…],"peer":{…}}}. The sections after {@code checks} are present only where the service
 * has them (targets and open anomalies: performance-service).
 *
 * @param status        overall status: {@link #HEALTHY}, {@link #DEGRADED} (serving, but a target is unreachable, a
 *                      background task is overdue or the peer service is down) or {@link #UNHEALTHY} (a readiness
 *                      check is DOWN: answered with 503)
 * @param service       service name, e.g. {@code performance-service}
 * @param version       service version; may be null
 * @param uptimeSeconds seconds since the service started, as of {@code checkedAt}, {@code >= 0}
 * @param checkedAt     when this summary was computed (the endpoint serves the latest one); may be null
 * @param checks        the individual MicroProfile health checks; never null
 * @param targets       reachability of each target this instance watches; null when the service has none
 * @param openAnomalies open anomalies by severity ({@code info}, {@code warning}, {@code critical},
 *                      {@code emergency}); null when the service keeps none
 * @param tasks         the background tasks with their last run; null when none are registered
 * @param peer          the other service's health; null when the service has no peer
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HealthSummary(String status, String service, String version, long uptimeSeconds, Instant checkedAt,
                            List<Check> checks, List<TargetReach> targets, Map<String, Long> openAnomalies,
                            List<Task> tasks, Peer peer) {

    /** Status of a healthy check. */
    public static final String UP = "UP";

    /** Status of an unhealthy check. */
    public static final String DOWN = "DOWN";

    /** Overall status: everything fine. */
    public static final String HEALTHY = "healthy";

    /** Overall status: serving, but something it watches or depends on loosely is not right. */
    public static final String DEGRADED = "degraded";

    /** Overall status: a readiness check is DOWN (the endpoint answers 503). */
    public static final String UNHEALTHY = "unhealthy";

    /** Checks status, service and uptime and copies the lists. */
    public HealthSummary {
        Checks.notBlank(status, "status");
        Checks.notBlank(service, "service");
        Checks.notNegative(uptimeSeconds, "uptime_seconds");
        checks = Checks.list(checks, "checks");
        targets = targets == null ? null : List.copyOf(targets);
        openAnomalies = openAnomalies == null ? null
                : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(openAnomalies)); // keeps the order
        tasks = tasks == null ? null : List.copyOf(tasks);
    }

    /** A summary with checks only (no targets, anomalies, tasks or peer). */
    public HealthSummary(String status, String service, String version, long uptimeSeconds, List<Check> checks) {
        this(status, service, version, uptimeSeconds, null, checks, null, null, null, null);
    }

    /** Whether the overall status is {@link #UNHEALTHY} (also true for the {@link #DOWN} of older peers). */
    public boolean unhealthy() {
        return UNHEALTHY.equals(status) || DOWN.equals(status);
    }

    /**
     * Builds the summary from a MicroProfile Health payload ({@code {"status":…,"checks":[{"name","status","data"}]}})
     * read as plain maps, so both services share one mapping without this module depending on a health API: the
     * status is {@link #HEALTHY} when the payload is UP, {@link #UNHEALTHY} otherwise.
     */
    public static HealthSummary fromHealthPayload(String service, String version, long uptimeSeconds,
                                                  Map<String, Object> payload) {
        return new HealthSummary(UP.equals(payload.get("status")) ? HEALTHY : UNHEALTHY, service, version,
                uptimeSeconds, checksOf(payload));
    }

    /** The checks of a MicroProfile Health payload read as plain maps. */
    @SuppressWarnings("unchecked")
    public static List<Check> checksOf(Map<String, Object> payload) {
        List<Check> checks = new java.util.ArrayList<>();
        Object raw = payload.get("checks");
        if (raw instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof Map<?, ?> check) {
                    Object data = check.get("data");
                    checks.add(new Check(String.valueOf(check.get("name")), String.valueOf(check.get("status")),
                            data instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of()));
                }
            }
        }
        return checks;
    }

    /**
     * One health check (Kafka, state database, emergency stop …).
     *
     * @param name   check name, e.g. {@code Kafka connection health check}, {@code emergency-stop}
     * @param status {@link HealthSummary#UP} or {@link HealthSummary#DOWN}
     * @param data   extra facts about the check; never null
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Check(String name, String status, Map<String, Object> data) {

        /** Checks name and status and copies the data. */
        public Check {
            Checks.notBlank(name, "name");
            Checks.notBlank(status, "status");
            data = Checks.map(data, "data");
        }
    }

    /**
     * Whether a target answered its latest collection.
     *
     * @param id            target id
     * @param engine        the target's engine, e.g. {@code postgresql}
     * @param reachable     whether the latest cycle reached the server; null before the first cycle
     * @param lastCollectedAt when the latest cycle ran; null before the first cycle
     * @param detail        why it is unreachable (the collector's error); null otherwise
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record TargetReach(String id, String engine, Boolean reachable, Instant lastCollectedAt, String detail) {

        /** Checks the id. */
        public TargetReach {
            Checks.notBlank(id, "id");
        }
    }

    /**
     * A background task and its last run.
     *
     * @param name            task name, e.g. {@code collection demo}, {@code anomaly relay}
     * @param intervalSeconds how often it is meant to run
     * @param lastRun         when its last run finished successfully; null when none has since the start
     * @param lastFailure     when its last run failed; null when none has
     * @param error           the last failure's message; null when none
     * @param overdue         whether the last successful run (or the start, when none) is older than the overdue
     *                        factor times the interval
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Task(String name, long intervalSeconds, Instant lastRun, Instant lastFailure, String error,
                       boolean overdue) {

        /** Checks the name. */
        public Task {
            Checks.notBlank(name, "name");
        }
    }

    /**
     * The peer service's health as read through its {@code /health}.
     *
     * @param service   the peer's name
     * @param url       its base URL; null when not configured
     * @param status    its overall status ({@code healthy}, {@code degraded}, {@code unhealthy}), {@code unreachable}
     *                  or {@code not_configured}
     * @param detail    why it is unreachable; null otherwise
     * @param checkedAt when it was read; null when not configured
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Peer(String service, String url, String status, String detail, Instant checkedAt) {

        /** Status of a peer that did not answer in time. */
        public static final String UNREACHABLE = "unreachable";

        /** Status of a peer whose URL is not set. */
        public static final String NOT_CONFIGURED = "not_configured";

        /** Checks service and status. */
        public Peer {
            Checks.notBlank(service, "service");
            Checks.notBlank(status, "status");
        }
    }
}
