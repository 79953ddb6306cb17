package io.dbautopilot.performance.detect.rules;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.CycleResult;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which family emits each metric, learnt from finished cycles. Lets a rule tell "the object is gone" (its family
 * ran and no longer reports it, e.g. an invalid index dropped) from "nothing is known" (the family is absent).
 */
@ApplicationScoped
public class MetricFamilies {

    private final Map<String, String> familyOf = new ConcurrentHashMap<>();

    /** Learns the metric names of every family that ran in a cycle. */
    public void learn(CycleResult cycle) {
        for (Map.Entry<String, List<MetricPoint>> e : cycle.pointsByFamily().entrySet()) {
            String previous = null;
            for (MetricPoint p : e.getValue()) {
                if (!p.name().equals(previous)) {
                    familyOf.putIfAbsent(p.name(), e.getKey());
                    previous = p.name();
                }
            }
        }
    }

    /** The family that emits a metric, or null if not seen yet. */
    public String familyOf(String metric) {
        return familyOf.get(metric);
    }
}
