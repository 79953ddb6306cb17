package io.dbautopilot.automation.maintenance;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.Severity;
import io.dbautopilot.model.Topics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A window-mode operation requested outside its database's maintenance window is deferred (with the reason and
 * the opening time) and runs once the window opens. The window of database {@code nightly} is set to open
 * 40 seconds after the application starts (set by a test resource).
 */
@QuarkusTest
@TestProfile(MaintenanceWindowDeferralTest.WindowSoon.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class MaintenanceWindowDeferralTest {

    /** Database {@code nightly}: the demo target with a window opening shortly (computed as the application starts). */
    public static class WindowSoon implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(WindowSoonResource.class));
        }
    }

    /** Sets the window right before the application starts, so it is still closed when the test runs. */
    public static class WindowSoonResource implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            // a window opening at the first whole minute at least 40 s from now (cron has minute precision)
            LocalTime start = LocalTime.ofInstant(Instant.now().plusSeconds(40), ZoneOffset.UTC)
                    .truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
            return Map.of(
                    "autopilot.databases.nightly.url",
                    "postgresql://${dbautopilot.test.postgres.host}:${dbautopilot.test.postgres.port}/demo_target",
                    "autopilot.databases.nightly.username", "${dbautopilot.test.postgres.user}",
                    "autopilot.databases.nightly.password", "${dbautopilot.test.postgres.password}",
                    "autopilot.databases.nightly.maintenance-windows",
                    start.getMinute() + " " + start.getHour() + " * * * 10m",
                    "autopilot.databases.nightly.time-zone", "UTC");
        }

        @Override
        public void stop() {
        }
    }

    @InjectInfra
    KafkaBroker kafka;

    @ConfigProperty(name = "autopilot.databases.nightly.maintenance-windows")
    String window;

    @InjectInfra
    PostgresServer postgres;

    @Test
    void outsideTheWindowTheVacuumIsDeferredUntilTheWindowOpensAndThenRuns() throws Exception {
        String[] cron = window.split(" ");
        LocalTime start = LocalTime.of(Integer.parseInt(cron[1]), Integer.parseInt(cron[0]));
        Instant opens = LocalDate.now(ZoneOffset.UTC).atTime(start).toInstant(ZoneOffset.UTC);
        if (opens.isBefore(Instant.now().minus(Duration.ofHours(12)))) {
            opens = opens.plus(Duration.ofDays(1)); // the window opens after midnight UTC
        }
        final Instant OPENS = opens;
        assertTrue(Instant.now().isBefore(OPENS.minusSeconds(5)), "the test must start before the window opens");
        postgres.execute("demo_target",
                "CREATE TABLE public.windowed (id int) WITH (autovacuum_enabled = off)",
                "INSERT INTO public.windowed SELECT generate_series(1, 5000)",
                "DELETE FROM public.windowed WHERE id % 2 = 0");
        String eventId = UUID.randomUUID().toString();
        Instant now = Instant.now();
        AnomalyEvent warning = new AnomalyEvent("dead_tuples:nightly:public.windowed", "nightly", "dead_tuples",
                "public.windowed", Severity.WARNING, AnomalyState.OPENED, 1, now, now, Map.of("n_dead_tup", 2500.0),
                "vacuum", "dead tuples");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
             KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                     ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            ProducerRecord<String, String> record = new ProducerRecord<>(Topics.ANOMALIES, "nightly",
                    EventJson.newMapper().writeValueAsString(warning));
            record.headers().add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_id", eventId.getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_type", EventTypes.ANOMALY_OPENED.getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_source", EventSources.PERFORMANCE_SERVICE.getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_subject", "nightly".getBytes(StandardCharsets.UTF_8));
            producer.send(record).get(10, TimeUnit.SECONDS);

            consumer.subscribe(List.of(Topics.OPERATIONS));
            List<JsonNode> events = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            while (System.nanoTime() < deadline && events.stream().noneMatch(e -> e.path("state").asText().equals("succeeded"))) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode data = EventJson.newMapper().readTree(r.value());
                    if (eventId.equals(data.path("triggering_event_id").asText())) {
                        events.add(data);
                    }
                }
            }
            List<String> states = events.stream().map(e -> e.path("state").asText()).toList();
            assertEquals(List.of("requested", "deferred", "started", "succeeded"), states);
            JsonNode deferred = events.get(1);
            assertTrue(deferred.path("reason").asText().contains("outside the maintenance window of nightly"), deferred.toString());
            assertEquals(OPENS, Instant.parse(deferred.path("details").path("not_before").asText()));
            assertFalse(Instant.parse(deferred.path("occurred_at").asText()).isAfter(OPENS), "deferred before the window");
            Instant started = Instant.parse(events.get(2).path("occurred_at").asText());
            assertFalse(started.isBefore(OPENS), "started only once the window opened: " + started + " vs " + OPENS);
            assertTrue(events.get(3).path("details").path("effect").path("n_dead_tup_before").asLong() > 0);
        }
    }
}
