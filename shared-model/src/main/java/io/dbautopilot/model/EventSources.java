package io.dbautopilot.model;

/** CloudEvents {@code source} values, one per producing service. */
public final class EventSources {

    /** Source of snapshot, anomaly, recommendation and benchmark events. */
    public static final String PERFORMANCE_SERVICE = "/db-autopilot/performance-service";

    /** Source of operation events. */
    public static final String AUTOMATION_SERVICE = "/db-autopilot/database-automation-service";

    private EventSources() {
    }
}
