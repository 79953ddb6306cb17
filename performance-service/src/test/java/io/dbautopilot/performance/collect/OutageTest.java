package io.dbautopilot.performance.collect;

import io.agroal.api.AgroalDataSource;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.detect.AnomalyEvents;
import io.dbautopilot.performance.detect.lifecycle.AnomalyLifecycle;
import io.dbautopilot.performance.detect.lifecycle.AnomalyRecord;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStatus;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.dbautopilot.performance.collect.Snapshots.await;
import static io.dbautopilot.performance.collect.Snapshots.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Outages on real servers: a target that goes down (the flaky cluster, collected every second, {@code target_down}
 * held for 2 cycles as shipped) is reported within 2 intervals, collected again without a restart and resolved,
 * leaving no connection behind; a broker that goes down holds neither collection nor detection, and what was
 * detected meanwhile reaches the topic once it is back; a state database restarted under the service's load leaves
 * it degraded (alive, not ready), then recovered by itself with no anomaly event lost.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(FlakyTargetResource.class)
class OutageTest {

    private static final Logger LOG = Logger.getLogger(OutageTest.class);
    private static final Duration INTERVAL = Duration.ofSeconds(1); // FlakyTargetResource
    /** A cycle's own time plus detection's, on a loaded 2-core machine. */
    private static final Duration SLACK = Duration.ofSeconds(5);
    /** How long cycles are counted with the broker up, then down. */
    private static final Duration WINDOW = Duration.ofSeconds(12);
    private static final String DOWN = AnomalyLifecycle.fingerprint("target_down", "flaky", null);

    @InjectInfra
    KafkaBroker kafka;

    @InjectInfra
    PostgresServer postgres;

    @Inject
    AgroalDataSource state;

    @Inject
    AnomalyStore anomalies;

    @Inject
    MeterRegistry meters;

    @Test
    void aTargetThatGoesDownIsReportedWithinTwoIntervalsAndRecoversWithoutRestartOrLeakedConnections()
            throws Exception {
        MetricSnapshot up = awaitUp();
        assertTrue(up.errors().isEmpty(), up.errors().toString());
        int connectionsBefore = awaitSteadyCollectorConnections();

        Instant stopping = Instant.now();
        FlakyTargetResource.server.stop();
        Instant stopped = Instant.now(); // pg_ctl returns once the server is down
        MetricSnapshot down = await("flaky", stopping, s -> value(s, "pg_up").orElse(1) == 0);
        assertTrue(down.errors().containsKey("connection"), down.errors().toString());
        assertTrue(value(down, "pg_stat_database_xact_commit").isEmpty(), "no numbers from a server that is down");
        MetricSnapshot demo = await("demo", Instant.now(), s -> true);
        assertEquals(1, value(demo, "pg_up").orElseThrow(), "the other targets carry on");
        AnomalyRecord opened = awaitDown(AnomalyStatus.OPEN, stopping);
        Duration took = Duration.between(stopped, opened.openedAt());
        LOG.infof("target_down opened %d ms after the target was down (stopping it took %d ms; interval %s)",
                took.toMillis(), Duration.between(stopping, stopped).toMillis(), INTERVAL);
        assertTrue(took.compareTo(INTERVAL.multipliedBy(2).plus(SLACK)) <= 0,
                "target_down opened within 2 intervals (+ slack), took " + took);
        assertTrue(opened.openedAt().isAfter(down.collectedAt()), "not on the first breach: held for 2 cycles");

        Instant starting = Instant.now();
        FlakyTargetResource.server.start();
        MetricSnapshot back = awaitUp();
        assertTrue(back.errors().isEmpty(), back.errors().toString());
        AnomalyRecord resolved = awaitDown(AnomalyStatus.RESOLVED, starting);
        assertEquals(opened.openedAt(), resolved.openedAt());
        assertEquals(connectionsBefore, awaitSteadyCollectorConnections(),
                "the collector holds as many connections to the target as before the outage");
    }

    @Test
    void aBrokerOutageHoldsNeitherCollectionNorDetectionAndNothingDetectedMeanwhileIsLost() throws Exception {
        awaitUp();
        Map<String, Double> up = cyclesPerMinute(WINDOW);
        double publishedBefore = deliveries("demo", "published");
        try (Told told = new Told(); AnomalyEvents events = new AnomalyEvents(kafka.bootstrapServers())) {
            kafka.stop();
            try {
                // every target keeps the pace it had with the broker up (a cycle of demo collects every family)
                Map<String, Double> down = cyclesPerMinute(WINDOW);
                LOG.infof("Cycles per minute with the broker up: %s; down: %s", up, down);
                for (String target : List.of("demo", "flaky", "offline")) {
                    assertTrue(down.get(target) >= 0.6 * up.get(target), target + " kept its pace with the broker "
                            + "down: " + down.get(target) + " cycles per minute, " + up.get(target) + " with it up");
                }
                assertTrue(down.get("offline") >= 0.5 * 60 / INTERVAL.toSeconds(), // half: the machine is shared
                        "offline (interval 1 s, a cycle of milliseconds) ran at its interval: " + down.get("offline"));
                Awaitility.await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(250))
                        .until(() -> deliveries("demo", "skipped") > 0 && deliveries("demo", "failed") > 0);

                // a condition created during the outage is detected and waits in the outbox
                Instant stopping = Instant.now();
                FlakyTargetResource.server.stop();
                AnomalyRecord opened = awaitDown(AnomalyStatus.OPEN, stopping);
                assertEquals(List.of(false), outbox(opened.lastSequence()), "recorded in the outbox, not sent yet");
                Instant starting = Instant.now();
                FlakyTargetResource.server.start();
                AnomalyRecord resolved = awaitDown(AnomalyStatus.RESOLVED, starting);
                assertNotNull(resolved.lastSequence());
            } finally {
                kafka.start();
            }
            Awaitility.await("snapshots published again").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> deliveries("demo", "published") > publishedBefore + 1);
            AnomalyRecord resolved = anomalies.get(DOWN).orElseThrow();
            List<Long> sent = new ArrayList<>();
            events.await(90, "resolving flaky's target_down", r -> {
                if (r.event().targetId().equals("flaky")) {
                    sent.add(r.event().sequence());
                }
                return r.event().targetId().equals("flaky") && r.event().sequence() == resolved.lastSequence()
                        && r.event().state() == AnomalyState.RESOLVED;
            });
            List<Long> recorded = sequences("flaky");
            assertEquals(recorded, sent.stream().distinct().sorted().toList(),
                    "every anomaly event of flaky reached the topic, in order, without a gap");
            Awaitility.await("a cycle recorded with its published snapshot").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(250)).until(() -> lastCyclePublished("demo"));
            told.await("Kafka acknowledges snapshots again");
            List<String> outage = told.starting("Kafka did not acknowledge snapshots of");
            assertEquals(1, outage.size(), "the outage is logged once: " + told.messages);
            assertTrue(outage.get(0).contains("collection and detection go on, snapshots are skipped until the broker "
                    + "is back") && outage.get(0).contains("demo"), outage.get(0));
            assertEquals(1, told.starting("Kafka acknowledges snapshots again").size(),
                    "its end is logged once: " + told.messages);
            assertTrue(told.messages.stream().noneMatch(m -> m.contains("not published: null")),
                    told.messages.toString());
        }
    }

    @Test
    void aStateDatabaseRestartIsSurvivedAndNothingDetectedMeanwhileIsLost() throws Exception {
        awaitUp();
        awaitReady();
        try (Told told = new Told(); AnomalyEvents events = new AnomalyEvents(kafka.bootstrapServers())) {
            long demoCycles = cycles().getOrDefault("demo", 0L);
            Instant stopping = Instant.now();
            postgres.stop(); // the state database (and the demo target) go down
            try {
                // degraded, not crashed: alive, not ready, and the targets elsewhere are still collected
                RestAssured.get("/q/health/live").then().statusCode(200);
                Awaitility.await("not ready without its state database").atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> RestAssured.get("/q/health/ready").statusCode() == 503);
                await("flaky", Instant.now(), s -> value(s, "pg_up").orElse(0) == 1);
                // a condition arising meanwhile: the flaky target goes down while nothing can be stored
                FlakyTargetResource.server.stop();
                await("flaky", Instant.now(), s -> value(s, "pg_up").orElse(1) == 0);
            } finally {
                postgres.start();
            }
            // back by itself: cycles are recorded, the condition is detected and published, the target recovers
            Awaitility.await("cycles recorded again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                    .ignoreExceptions().until(() -> cycles().get("demo") > demoCycles + 2);
            awaitReady();
            told.await("The state database records cycles again");
            assertEquals(1, told.starting("The state database does not record cycles").size(),
                    "logged once, not per cycle: " + told.messages);
            AnomalyRecord opened = awaitDown(AnomalyStatus.OPEN, stopping);
            Instant starting = Instant.now();
            FlakyTargetResource.server.start();
            AnomalyRecord resolved = awaitDown(AnomalyStatus.RESOLVED, starting);
            assertEquals(opened.openedAt(), resolved.openedAt());
            List<Long> sent = new ArrayList<>();
            events.await(90, "resolving flaky's target_down", r -> {
                if (r.event().targetId().equals("flaky")) {
                    sent.add(r.event().sequence());
                }
                return r.event().targetId().equals("flaky") && r.event().sequence() == resolved.lastSequence();
            });
            assertEquals(sequences("flaky"), sent.stream().distinct().sorted().toList(),
                    "every anomaly event of flaky reached the topic, in order, without a gap");
        }
    }

    /** What {@code SnapshotDelivery} logs while open. */
    private static final class Told extends java.util.logging.Handler implements AutoCloseable {

        final List<String> messages = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final java.util.logging.Logger logger = java.util.logging.Logger.getLogger(
                "io.dbautopilot.performance.publish.SnapshotDelivery");

        Told() {
            logger.addHandler(this);
        }

        @Override
        public void publish(java.util.logging.LogRecord r) {
            messages.add(r instanceof org.jboss.logmanager.ExtLogRecord e ? e.getFormattedMessage() : r.getMessage());
        }

        List<String> starting(String prefix) {
            return messages.stream().filter(m -> m.startsWith(prefix)).toList();
        }

        void await(String prefix) {
            Awaitility.await("logged: " + prefix).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> !starting(prefix).isEmpty());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            logger.removeHandler(this);
        }
    }

    private static void awaitReady() {
        Awaitility.await("ready").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> RestAssured.get("/q/health/ready").statusCode() == 200);
    }

    private static MetricSnapshot awaitUp() {
        return await("flaky", Instant.now(), s -> value(s, "pg_up").orElse(0) == 1
                && value(s, "pg_stat_database_xact_commit", "datname", "postgres").isPresent());
    }

    private AnomalyRecord awaitDown(AnomalyStatus status, Instant since) {
        return Awaitility.await("target_down of flaky " + status).atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> anomalies.get(DOWN), a -> a.isPresent() && a.get().status() == status
                        && a.get().updatedAt().isAfter(since)).orElseThrow();
    }

    /** The collector's sessions on the flaky cluster once the count held over 3 cycles. */
    private static int awaitSteadyCollectorConnections() {
        List<Integer> seen = new ArrayList<>();
        Awaitility.await("a steady number of collector connections").atMost(Duration.ofSeconds(30))
                .pollInterval(INTERVAL).until(() -> {
                    seen.add(collectorConnections());
                    int n = seen.size();
                    return n >= 3 && seen.get(n - 1) > 0 && seen.get(n - 1).equals(seen.get(n - 2))
                            && seen.get(n - 2).equals(seen.get(n - 3));
                });
        return seen.get(seen.size() - 1);
    }

    private static int collectorConnections() throws SQLException {
        try (Connection c = FlakyTargetResource.server.connect("postgres");
             PreparedStatement st = c.prepareStatement(
                     "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            st.setString(1, TargetConnections.APPLICATION_NAME);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private double deliveries(String target, String outcome) {
        Counter c = meters.find("autopilot.snapshot.deliveries").tags("target", target, "outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    /** Cycles per minute of every target over a measurement window (counted from performance.target_status). */
    private Map<String, Double> cyclesPerMinute(Duration window) throws Exception {
        Map<String, Long> before = cycles();
        long t0 = System.nanoTime();
        Thread.sleep(window.toMillis()); // a measurement window, not a wait for something to happen
        Map<String, Long> after = cycles();
        double minutes = (System.nanoTime() - t0) / 60e9;
        Map<String, Double> out = new TreeMap<>();
        after.forEach((target, n) -> out.put(target,
                Math.round((n - before.getOrDefault(target, 0L)) / minutes * 10) / 10.0));
        return out;
    }

    private Map<String, Long> cycles() throws SQLException {
        Map<String, Long> out = new TreeMap<>();
        try (Connection c = state.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT target_id, cycles FROM performance.target_status");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** Whether the target's last recorded cycle carries the id of its published snapshot. */
    private boolean lastCyclePublished(String target) throws SQLException {
        try (Connection c = state.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT last_event_id IS NOT NULL AND coalesce(last_error, '') NOT LIKE 'publish:%' "
                        + "FROM performance.target_status WHERE target_id = ?")) {
            st.setString(1, target);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Whether the outbox row of flaky's event {@code sequence} was sent (one element per row). */
    private List<Boolean> outbox(Long sequence) throws SQLException {
        List<Boolean> out = new ArrayList<>();
        try (Connection c = state.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT sent_at IS NOT NULL FROM performance.anomaly_outbox WHERE target_id = 'flaky' AND sequence = ?")) {
            st.setLong(1, sequence);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getBoolean(1));
                }
            }
        }
        return out;
    }

    private List<Long> sequences(String target) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (Connection c = state.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT sequence FROM performance.anomaly_outbox WHERE target_id = ? ORDER BY sequence")) {
            st.setString(1, target);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1));
                }
            }
        }
        return out;
    }
}
