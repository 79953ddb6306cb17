package io.dbautopilot.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/**
 * The JSON body of each service's {@code /health} endpoint:
 * {@code {"status","service","version","uptime_seconds","checks":[…]}}.
 *
 * @param status        overall status, {@link #UP} or {@link #DOWN}
 * @param service       service name, e.g. {@code performance-service}
 * @param version       service version; may be null
 * @param uptimeSeconds seconds since the service started, {@code >= 0}
 * @param checks        the individual checks; never null
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HealthSummary(String status, String service, String version, long uptimeSeconds, List<Check> checks) {

    /** Status of a healthy service or check. */
    public static final String UP = "UP";

    /** Status of an unhealthy service or check. */
    public static final String DOWN = "DOWN";

    /** Checks status, service and uptime and copies the checks. */
    public HealthSummary {
        Checks.notBlank(status, "status");
        Checks.notBlank(service, "service");
        Checks.notNegative(uptimeSeconds, "uptime_seconds");
        checks = Checks.list(checks, "checks");
    }

    /**
     * Builds the summary from a MicroProfile Health payload ({@code {"status":…,"checks":[{"name","status","data"}]}})
     * read as plain maps, so both services share one mapping without this module depending on a health API.
     */
    @SuppressWarnings("unchecked")
    public static HealthSummary fromHealthPayload(String service, String version, long uptimeSeconds,
                                                  Map<String, Object> payload) {
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
        return new HealthSummary(String.valueOf(payload.get("status")), service, version, uptimeSeconds, checks);
    }

    /**
     * One health check (Kafka, state database, a target …).
     *
     * @param name   check name, e.g. {@code kafka}, {@code state-db}, {@code target:orders-db}
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
}
