package io.dbautopilot.performance.detect.forecast;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.detect.AnomalyEvents;
import io.dbautopilot.performance.detect.Finding;
import io.dbautopilot.performance.detect.rules.MetricCatalog;
import io.dbautopilot.performance.detect.rules.Observation;
import io.dbautopilot.performance.detect.rules.PointIndex;
import io.dbautopilot.performance.detect.statistical.DetectorSeriesStore;
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

    @jakarta.inject.Inject
    ForecastConfig config;

    @jakarta.inject.Inject
    MetricCatalog catalog;

    @jakarta.inject.Inject
    DetectorSeriesStore store;

    @jakarta.inject.Inject
    io.dbautopilot.performance.collect.LatestSnapshots latest;

    private static final String RELOAD_SEQ = "demo_target.public.reload_seq";

    /** The forecast of the reload_seq sequence in one evaluation. */
    private static Observation sequenceForecast(java.util.List<Finding> findings) {
        return findings.stream().filter(f -> f.rule().name().equals("forecast_sequences"))
                .flatMap(f -> f.evaluation().observations().stream()).filter(o -> RELOAD_SEQ.equals(o.object()))
                .findFirst().orElse(null);
    }

    /**
     * A forecast detector rebuilt from the state database (as after a restart) forecasts from the reloaded history:
     * the real readings of a sequence being consumed go through one detector, its histories are written to
     * performance.detector_series, and a new detector on the same store gives the same ETA at once (no warm-up),
     * where a detector without that history still has "not enough history".
     */
    @Test
    void aDetectorRebuiltFromTheStoreForecastsFromTheReloadedHistoryWithoutWarmUp() throws Exception {
        postgres.execute("demo_target", "DROP SEQUENCE IF EXISTS reload_seq", "CREATE SEQUENCE reload_seq MAXVALUE 2000000");
        String target = "reload-" + System.nanoTime();
        ForecastDetector before = new ForecastDetector(config, catalog, store);
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        try {
            load.scheduleAtFixedRate(() -> postgres.execute("demo_target",
                    "SELECT nextval('reload_seq') FROM generate_series(1, 500)"), 0, 250, TimeUnit.MILLISECONDS);
            Observation forecast = null;
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                forecast = sequenceForecast(before.evaluate(target,
                        PointIndex.of(latest.current("demo")), java.time.Instant.now()));
                if (forecast != null && forecast.value() < ForecastDetector.NOT_FILLING
                        && forecast.evidence().get("samples") >= config.minSamples() + 4) {
                    break;
                }
                Thread.sleep(1000);
            }
            assertTrue(forecast != null && forecast.value() < ForecastDetector.NOT_FILLING,
                    "a forecast from the first detector: " + forecast);
        } finally {
            load.shutdownNow();
            load.awaitTermination(10, TimeUnit.SECONDS);
        }
        before.persist();
        assertTrue(store.bytes(target, ForecastDetector.DETECTOR) > 0, "histories written to the state database");

        ForecastDetector restarted = new ForecastDetector(config, catalog, store);
        ForecastDetector fresh = new ForecastDetector(config, catalog, store);
        java.time.Instant now = java.time.Instant.now();
        PointIndex points = PointIndex.of(latest.current("demo"));
        Observation kept = sequenceForecast(before.evaluate(target, points, now));
        Observation reloaded = sequenceForecast(restarted.evaluate(target, points, now));
        Observation cold = sequenceForecast(fresh.evaluate(target + "-new", points, now));
        System.out.println("forecast before restart: " + kept.evidence() + "; reloaded: " + reloaded.evidence());
        assertTrue(reloaded.value() < ForecastDetector.NOT_FILLING, "no warm-up after the reload: " + reloaded.detail());
        assertEquals(kept.value(), reloaded.value(), kept.value() * 0.01, "ETA before and after the restart");
        assertEquals(kept.evidence().get("samples"), reloaded.evidence().get("samples"));
        assertEquals(ForecastDetector.NOT_FILLING, cold.value(), "without stored history: " + cold.detail());
        assertEquals("not enough history for a forecast yet", cold.detail());
    }

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
