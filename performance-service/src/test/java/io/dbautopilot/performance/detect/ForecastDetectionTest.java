package io.dbautopilot.performance.detect;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.Severity;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Forecasts on real data: a sequence on the throwaway cluster consumed steadily is forecast to run out (the test
 * profile uses a 1 s slot and a 2 min window so that a minute of readings is a forecast), the anomaly carries the
 * ETA, and restarting the sequence resolves it.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ForecastDetectionTest {

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    @Test
    void aSequenceConsumedSteadilyIsForecastToRunOutWithItsEta() throws Exception {
        postgres.execute("demo_target", "DROP SEQUENCE IF EXISTS forecast_seq",
                "CREATE SEQUENCE forecast_seq MAXVALUE 2000000");
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        try (AnomalyEvents events = new AnomalyEvents(kafka.bootstrapServers())) {
            // ~2,000 values a second: 2,000,000 last about 17 minutes.
            load.scheduleAtFixedRate(() -> postgres.execute("demo_target",
                    "SELECT nextval('forecast_seq') FROM generate_series(1, 500)"), 0, 250, TimeUnit.MILLISECONDS);
            AnomalyEvent opened = events.await(90, "forecast_sequences opened", r -> "demo".equals(r.key())
                    && r.event().detector().equals("forecast_sequences") && r.event().state() == AnomalyState.OPENED
                    && "demo_target.public.forecast_seq".equals(r.event().object())).event();
            assertEquals(Severity.EMERGENCY, opened.severity(), "minutes away: within 4 h");
            System.out.println("forecast on a real sequence: " + opened.summary() + " " + opened.evidence());
            double etaHours = opened.evidence().get("eta_hours");
            assertTrue(etaHours > 0.05 && etaHours < 1.5, "about a quarter of an hour left: " + opened.evidence());
            assertTrue(opened.evidence().get("slope_per_hour") > 0, opened.evidence().toString());
            assertTrue(opened.summary().contains("sequence exhausted forecast"), opened.summary());
            assertTrue(opened.evidence().get("exhausted_at_epoch_seconds") > opened.occurredAt().getEpochSecond());

            load.shutdownNow();
            load.awaitTermination(10, TimeUnit.SECONDS);
            postgres.execute("demo_target", "ALTER SEQUENCE forecast_seq RESTART");
            events.await(90, "forecast_sequences resolved", r -> r.event().fingerprint().equals(opened.fingerprint())
                    && r.event().state() == AnomalyState.RESOLVED);
        } finally {
            load.shutdownNow();
        }
    }
}
