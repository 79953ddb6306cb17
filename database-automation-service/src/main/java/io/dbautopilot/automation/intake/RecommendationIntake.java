package io.dbautopilot.automation.intake;

import io.dbautopilot.model.RecommendationEvent;
import io.dbautopilot.model.Topics;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code autopilot.recommendations.v1} through the shared {@link EventIntake} flow: checked against its
 * schema, recorded exactly once with the operation the policy asks for, acknowledged; unprocessable records go to
 * {@code autopilot.recommendations.v1.dlq}.
 */
@ApplicationScoped
public class RecommendationIntake {

    private final RecommendationEventParser parser;
    private final ProcessedEvents processed;
    private final EventIntake intake;

    public RecommendationIntake(RecommendationEventParser parser, ProcessedEvents processed, EventIntake intake) {
        this.parser = parser;
        this.processed = processed;
        this.intake = intake;
    }

    @Incoming("recommendations")
    public Uni<Void> consume(Message<String> message) {
        return intake.consume(message, Topics.RECOMMENDATIONS, parser::parse, p -> p.event().targetId(),
                (origin, p) -> processed.recordRecommendation(origin, p.event(), p.json()),
                p -> describe(p.event()));
    }

    private static String describe(RecommendationEvent e) {
        return "Recommendation %s %s on %s (%s)".formatted(e.kind(), e.state().wire(), e.targetId(), e.object());
    }
}
