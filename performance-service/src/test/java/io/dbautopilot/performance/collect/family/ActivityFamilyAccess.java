package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.MetricFamily;

/** Lets tests in other packages build a real family without CDI. */
public final class ActivityFamilyAccess {

    private ActivityFamilyAccess() {
    }

    public static MetricFamily create() {
        return new ActivityFamily();
    }
}
