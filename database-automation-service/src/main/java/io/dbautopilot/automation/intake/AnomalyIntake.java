package io.dbautopilot.automation.intake;

import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.Topics;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code autopilot.anomalies.v1} through the shared {@link EventIntake} flow: checked, recorded exactly once
 * with the operation the policy asks for, acknowledged; unprocessable records go to {@code autopilot.anomalies.v1.dlq}.
 */
@ApplicationScoped
public class AnomalyIntake {

    private final AnomalyEventParser parser;
    private final ProcessedEvents processed;
    private final EventIntake intake;

    public AnomalyIntake(AnomalyEventParser parser, ProcessedEvents processed, EventIntake intake) {
        this.parser = parser;
        this.processed = processed;
        this.intake = intake;
    }

    @Incoming("anomalies")
    public Uni<Void> consume(Message<String> message) {
        return intake.consume(message, Topics.ANOMALIES, parser::parse, p -> p.event().targetId(),
                (origin, p) -> processed.recordAnomaly(origin, p.event(), p.json()),
                p -> describe(p.event()));
    }

    private static String describe(AnomalyEvent e) {
        return "Anomaly %s %s on %s (%s, seq %d)".formatted(e.detector(), e.state().wire(), e.targetId(),
                e.severity().wire(), e.sequence());
    }
}
