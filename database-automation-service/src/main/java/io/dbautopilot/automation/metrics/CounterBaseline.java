package io.dbautopilot.automation.metrics;

import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.model.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.List;

/**
 * Registers the service's counters at zero when it starts, so that Prometheus sees every series before its first
 * increment: {@code increase()} over a series that appears already at 1 is 0, so the first dead letter, failed
 * operation or interruption would never fire an alert (deploy/prometheus/rules) nor show on a dashboard.
 * Names and tags are those the intake, engine and relay increment.
 */
@ApplicationScoped
public class CounterBaseline {

    /** Outcomes the intakes count per topic. */
    static final List<String> CONSUMED_OUTCOMES = List.of("processed", "duplicate", "dead_lettered");
    /** Outcomes the engine counts per operation type (the {@code Outcome} record names, lower case). */
    static final List<String> FINISHED_OUTCOMES = List.of("succeeded", "failed", "deferred", "cancelled");

    void register(@Observes StartupEvent event, MeterRegistry meters) {
        for (String topic : List.of(Topics.ANOMALIES, Topics.RECOMMENDATIONS)) {
            for (String outcome : CONSUMED_OUTCOMES) {
                meters.counter("autopilot_events_consumed", "topic", topic, "outcome", outcome);
            }
        }
        for (OperationType type : OperationType.values()) {
            for (String outcome : FINISHED_OUTCOMES) {
                meters.counter("autopilot_operations_finished", "type", type.wire(), "outcome", outcome);
            }
        }
        meters.counter("autopilot_operations_interrupted");
        meters.counter("autopilot_operation_events_published");
    }
}
