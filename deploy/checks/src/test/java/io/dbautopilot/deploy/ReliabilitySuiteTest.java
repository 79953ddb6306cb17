package io.dbautopilot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbautopilot.localstack.kafka.ProcessKafka;
import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventSources;
import io.dbautopilot.model.EventTypes;
import io.dbautopilot.model.Severity;
import io.dbautopilot.model.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Issue 19's reliability suite, scenarios 1-7 and 10 (8 and 9 are classes of their own; the drill of 10 is
 * {@link ClosedLoopDrill}, on MariaDB, SQLite and Redis {@link EngineDrill}), on one set of real pieces: the Kafka
 * broker in its own JVM
 * ({@link ProcessKafka}, so it can be SIGKILLed and restarted with its data), a throwaway PostgreSQL cluster for the
 * state database and another one for the target, and both packaged services ({@link PerformanceInstances}). Each
 * scenario injects its fault, measures what the issue's table asks and records PASS / FAIL with the figure
 * ({@link ReliabilityReport}); a scenario fails at its end when a criterion did not hold. Run by
 * {@code reliability/run.sh} (Maven profile {@code reliability}); {@code -Dreliability.mode=quick} is the CI form
 * (shorter outages, fewer records and requests, scenarios 5-7 and 10 left out). Scenario 3 runs last: a record the
 * service could not dead-letter would stop its intake, and its flood's backlog would delay the anomalies of the drill.
 */
@Tag("reliability")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilitySuiteTest {

    static final String TARGET = "rel-db";
    static final String TARGET_DB = "rel_target";
    static final String PASSWORD_ENV = "REL_TARGET_PASSWORD";
    static final Duration INTERVAL = Duration.ofSeconds(5);
    static final Duration PATIENCE = Duration.ofMinutes(3);
    static final String PERF = "perf";
    static final String AUTOMATION = "automation";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static ProcessKafka kafka;
    static PerformanceInstances stack;
    static ThrowawayPostgres target;
    static TopicRecorder topics;
    static KafkaProducer<String, String> producer;
    /** The automation service's backup directory: a 4 MB tmpfs of its own (scenario 6), null error when mounted. */
    static Path backups;
    static String mountError;
    static final int BACKUP_FS_MB = 4;
    /** performance-service's rules file and the suite's rules in it (the drill adds its own while it runs). */
    static Path rulesFile;
    static String suiteRules;
    /** The drill's MariaDB, Redis and SQLite file (scenario 10, full run only; null in the quick run). */
    static EngineDrill engines;

    @BeforeAll
    static void start() throws Exception {
        kafka = ProcessKafka.launch(Repo.path("deploy/checks/target/stack-logs/reliability-kafka.log"));
        stack = new PerformanceInstances(kafka);
        ComposeLikeStack.createTopics(kafka.bootstrapServers());
        target = ThrowawayPostgres.launch(PostgresBinaries.locate(), 0,
                List.of("shared_preload_libraries = 'pg_stat_statements'", "pg_stat_statements.track_utility = on"));
        target.createDatabase(TARGET_DB);
        target.execute(TARGET_DB, "CREATE EXTENSION pg_stat_statements",
                "CREATE TABLE public.analyzed (id int PRIMARY KEY)", "INSERT INTO public.analyzed SELECT generate_series(1, 100)");
        rulesFile = stack.work.resolve("reliability-rules.yaml");
        suiteRules = rules();
        Files.writeString(rulesFile, suiteRules, StandardCharsets.UTF_8);
        Map<String, String> env = new HashMap<>(Map.of(PASSWORD_ENV, target.password()));
        engines = ReliabilityReport.quick() ? null : EngineDrill.launch(stack.work);
        if (engines != null) {
            env.putAll(engines.environment());
        }
        // relation sizes and bloat statistics re-read every run: the drill's index bloat and its REINDEX show at once
        List<String> perf = new ArrayList<>(ReliabilityReport.quick() ? List.of("-Dautopilot.detection.rules-file=" + rulesFile)
                : List.of("-Dautopilot.detection.rules-file=" + rulesFile, "-Dautopilot.collection.relation-cache-max-age=0s"));
        if (engines != null) {
            perf.addAll(engines.performanceSettings());
        }
        stack.start(PERF, perf, env);
        backups = stack.work.resolve(AUTOMATION).resolve("backups");
        mountError = mountSmallFilesystem(backups);
        // the drill's partitioned table, migrations folder and policy (scenario 10; the migration kill loops of 5)
        // scenario 5 interrupts three operations at once (max-parallel 3) and waits out the dead instance's leases
        // twenty times: a 10 s lease (heartbeat every 2 s) instead of the shipped 30 s keeps that to minutes
        List<String> automation = new ArrayList<>(ClosedLoopDrill.prepare(target, stack.work));
        automation.addAll(List.of("-Dautopilot.operations.lease=10s", "-Dautopilot.operations.heartbeat-interval=2s",
                "-Dautopilot.operations.max-parallel=3"));
        if (engines != null) {
            EngineDrill.policy(stack.work);
        }
        stack.startAutomation(AUTOMATION, automation, env);
        stack.awaitUp(PERF, PATIENCE);
        stack.awaitUp(AUTOMATION, PATIENCE);
        topics = new TopicRecorder(kafka.bootstrapServers(), Map.of(
                Topics.METRICS, List.of("target_id", "collected_at"),
                Topics.ANOMALIES, List.of(),
                Topics.OPERATIONS, List.of()));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName()));
        register();
        await("a snapshot of " + TARGET, () -> topics.snapshotTimes(TARGET).isEmpty() ? null : true);
        await(TARGET + " managed by the automation service", () -> {
            for (JsonNode db : get(AUTOMATION, "/api/databases")) {
                if (TARGET.equals(db.path("id").asText()) && "reachable".equals(db.path("status").asText())) {
                    return true;
                }
            }
            return null;
        });
    }

    /** The shipped rules file's defaults, dead_tuples (for/cooldown 0 s for the target) and target_down as shipped. */
    private static String rules() throws Exception {
        JsonNode shipped = Repo.YAML.readTree(Repo.path("performance-service/src/main/resources/rules/default-rules.yaml")
                .toFile());
        ObjectNode dead = shipped.at("/rules/dead_tuples").deepCopy();
        dead.set("overrides", Repo.JSON.createObjectNode().set(TARGET,
                Repo.JSON.createObjectNode().put("for", "0s").put("cooldown", "0s")));
        ObjectNode file = Repo.JSON.createObjectNode();
        file.set("defaults", shipped.get("defaults"));
        ObjectNode rules = Repo.JSON.createObjectNode();
        rules.set("dead_tuples", dead);
        rules.set("target_down", shipped.at("/rules/target_down"));
        rules.set("backup_failed", shipped.at("/rules/backup_failed"));
        file.set("rules", rules);
        return Repo.YAML.writeValueAsString(file);
    }

    private static void register() throws Exception {
        String body = """
                {"id": "%s", "engine": "postgresql", "url": "postgresql://%s:%d/%s", "username": "%s",
                 "credentials_ref": "env:%s", "labels": {"env": "test", "suite": "reliability"},
                 "collection": {"interval": "5s", "include_databases": ["%s"], "family_intervals": %s},
                 "trust": "auto"}
                """.formatted(TARGET, target.host(), target.port(), TARGET_DB, target.user(), PASSWORD_ENV, TARGET_DB,
                // the drill's families every 5 s (full run only: the quick run has no drill and measures the interval)
                ReliabilityReport.quick() ? "{\"tables\": \"5s\"}" : "{\"tables\": \"5s\", \"activity\": \"5s\","
                        + " \"wraparound_tables\": \"5s\", \"bloat\": \"5s\"}");
        HttpResponse<String> created = stack.send(PERF, "POST", "/api/targets", PerformanceInstances.OPERATOR_KEY, body);
        if (created.statusCode() != 201) {
            throw new AssertionError("could not register " + TARGET + ": " + created.body());
        }
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (topics != null) {
            topics.close();
        }
        if (target != null) {
            target.close();
        }
        if (engines != null) {
            engines.close();
        }
        if (stack != null) {
            stack.close(); // closes the broker too
        }
        if (backups != null && mountError == null) {
            command("umount", "-l", backups.toString());
        }
    }

    /** Mounts a small tmpfs on {@code dir} (we are root in CI); the problem when it cannot. */
    private static String mountSmallFilesystem(Path dir) throws IOException {
        Files.createDirectories(dir);
        return command("mount", "-t", "tmpfs", "-o", "size=" + BACKUP_FS_MB + "m,mode=0777", "tmpfs", dir.toString());
    }

    /** Runs a command; null when it exited 0, else its output. */
    private static String command(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : String.join(" ", cmd) + ": " + out.trim();
        } catch (IOException e) {
            return String.join(" ", cmd) + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // 1. broker killed (SIGKILL) for 60 s, restarted, with a condition created during the outage

    @Test
    @Order(1)
    void brokerKilledAndRestarted() throws Exception {
        int outageSeconds = ReliabilityReport.size(60, 20);
        ReliabilityReport report = new ReliabilityReport("1. broker SIGKILLed for " + outageSeconds + " s");
        try {
            brokerOutage(report, outageSeconds);
        } catch (Throwable e) {
            report.aborted(e);
        }
        report.assertAllHeld();
    }

    private void brokerOutage(ReliabilityReport report, int outageSeconds) throws Exception {
        AtomicBoolean watching = new AtomicBoolean(true);
        Set<Instant> cycles = ConcurrentHashMap.newKeySet();
        Map<String, Set<Integer>> healthDuringOutage = new ConcurrentHashMap<>();
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                try {
                    JsonNode t = byId(get(PERF, "/api/targets"), TARGET);
                    if (t != null && t.hasNonNull("last_cycle_at")) {
                        cycles.add(Instant.parse(t.get("last_cycle_at").asText()));
                    }
                } catch (Exception | AssertionError e) {
                    // the API may be slow during the outage; the next poll counts
                }
                for (String s : List.of(PERF, AUTOMATION)) {
                    healthDuringOutage.computeIfAbsent(s, k -> new TreeSet<>()).add(health(s));
                }
                sleep(1000);
            }
        }, "cycle-watcher");

        kafka.kill();
        Instant killedAt = Instant.now();
        watcher.start();
        // the condition, created while the broker is down: dead tuples beyond the shipped rule (n_dead_tup > 10000,
        // ratio 0.75 > critical 0.3) in a table autovacuum leaves alone
        target.execute(TARGET_DB,
                "CREATE TABLE public.orders (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = off)",
                "INSERT INTO public.orders SELECT g, repeat('x', 50) FROM generate_series(1, 40000) g",
                "DELETE FROM public.orders WHERE id % 4 <> 0");
        Thread.sleep(Math.max(0, Duration.ofSeconds(outageSeconds).toMillis()
                - Duration.between(killedAt, Instant.now()).toMillis()));
        long restartNanos = System.nanoTime();
        kafka.start();
        Instant backAt = Instant.now();
        long brokerStartMs = (System.nanoTime() - restartNanos) / 1_000_000;
        watching.set(false);
        watcher.join(10_000);
        Duration outage = Duration.between(killedAt, backAt);
        List<Instant> during = cycles.stream().filter(c -> c.isAfter(killedAt) && c.isBefore(backAt)).sorted().toList();
        // the rate from the cycles' spacing (n cycles = n - 1 intervals between the first and the last): a count over
        // the whole outage is off by up to one cycle by where the cycles fall in it, 20 % of a 30 s outage
        double perMinute = during.size() < 2 ? 0 : (during.size() - 1) * 60_000.0
                / Math.max(1, Duration.between(during.get(0), during.get(during.size() - 1)).toMillis());
        long longestGap = 0;
        Instant previous = killedAt;
        for (Instant c : during) {
            longestGap = Math.max(longestGap, Duration.between(previous, c).toMillis());
            previous = c;
        }
        longestGap = Math.max(longestGap, Duration.between(previous, backAt).toMillis());
        double expected = 60.0 / INTERVAL.toSeconds();

        // both services polled side by side: each one's first /health 200 after the broker answers
        Map<String, Long> upAfter = new LinkedHashMap<>(Map.of(PERF, -1L, AUTOMATION, -1L));
        // what each service's /health still reported DOWN (or not healthy) after the broker answered: what it waited for
        Map<String, Set<String>> waitedFor = new LinkedHashMap<>(Map.of(PERF, new TreeSet<>(), AUTOMATION, new TreeSet<>()));
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (upAfter.containsValue(-1L) && System.nanoTime() < deadline) {
            for (String s : List.of(PERF, AUTOMATION)) {
                if (upAfter.get(s) < 0) {
                    Set<String> down = notHealthy(s);
                    if (down.isEmpty()) {
                        upAfter.put(s, (System.nanoTime() - restartNanos) / 1_000_000);
                    } else {
                        waitedFor.get(s).addAll(down);
                    }
                }
            }
            Thread.sleep(200);
        }

        report.check("collection cycles of a 5 s target during the outage",
                String.format("%d cycles in the %d s the broker was away, %.1f/min by their spacing (interval kept:"
                                + " %.0f/min), longest gap %.1f s; /health during the outage: %s",
                        during.size(), outage.toSeconds(), perMinute, expected, longestGap / 1000.0, healthDuringOutage),
                perMinute >= expected * 0.8);
        for (Map.Entry<String, Long> e : upAfter.entrySet()) {
            long afterBroker = e.getValue() - brokerStartMs;
            report.check(e.getKey() + " UP <= 10 s after the broker is back",
                    e.getValue() < 0 ? "not UP within " + PATIENCE
                            : String.format("/health 200 %.1f s after the broker answered again (its JVM took %.1f s to start);"
                                    + " not healthy meanwhile: %s", afterBroker / 1000.0, brokerStartMs / 1000.0,
                            waitedFor.get(e.getKey())),
                    e.getValue() >= 0 && afterBroker <= 10_000);
        }

        // the remediation completes through the normal path
        TopicRecorder.Seen anomaly = awaitOrNull("a dead_tuples anomaly for public.orders", () ->
                topics.seen(Topics.ANOMALIES, TARGET).stream()
                        .filter(s -> "dead_tuples".equals(s.data().path("detector").asText())
                                && s.data().path("object").asText().endsWith(".public.orders")
                                && EventTypes.ANOMALY_OPENED.equals(s.type()))
                        .findFirst().orElse(null));
        String outcome = "no anomaly";
        boolean vacuumed = false;
        if (anomaly != null) {
            TopicRecorder.Seen end = awaitOrNull("the operation for " + anomaly.id() + " ended", () ->
                    topics.seen(Topics.OPERATIONS, TARGET).stream()
                            .filter(s -> anomaly.id().equals(s.data().path("triggering_event_id").asText())
                                    && s.data().hasNonNull("finished_at"))
                            .findFirst().orElse(null));
            outcome = end == null ? "anomaly " + anomaly.id() + ", no operation ended" : end.data().path("type").asText()
                    + " " + end.type().split("\\.")[3] + String.format(" %.1f s after the broker was back",
                    Duration.between(backAt, Instant.parse(end.data().path("finished_at").asText())).toMillis() / 1000.0);
            vacuumed = end != null && EventTypes.OPERATION_SUCCEEDED.equals(end.type())
                    && deadTuples("orders") < 1000;
        }
        report.check("the remediation of the condition created during the outage completes",
                outcome + "; n_dead_tup now " + deadTuples("orders"), vacuumed);

        checkNothingLost(report);
    }

    /** Anomaly sequences gapless, no number carried by two events; every outbox row of both services on its topic. */
    private void checkNothingLost(ReliabilityReport report) throws Exception {
        // the outbox rows as of now (a row added after this point, e.g. an anomaly resolving meanwhile, may not have
        // reached the topic when the recorder reads it to its end: it is checked by the next scenario)
        List<String> anomalyOutbox = column("autopilot_state", "SELECT event_id::text FROM performance.anomaly_outbox");
        List<String> operationOutbox = column("autopilot_state", "SELECT event_id::text FROM automation.outbox");
        await("every outbox row sent", () -> scalar("autopilot_state",
                "SELECT (SELECT count(*) FROM performance.anomaly_outbox WHERE sent_at IS NULL AND event_id::text IN ("
                        + quoted(anomalyOutbox) + "))"
                        + " + (SELECT count(*) FROM automation.outbox WHERE sent_at IS NULL AND event_id::text IN ("
                        + quoted(operationOutbox) + "))") == 0 ? true : null);
        topics.awaitReadToEnd(Topics.ANOMALIES, PATIENCE);
        topics.awaitReadToEnd(Topics.OPERATIONS, PATIENCE);
        Map<String, Map<Long, Set<String>>> byTarget = new TreeMap<>();
        for (TopicRecorder.Seen s : topics.seen(Topics.ANOMALIES)) {
            byTarget.computeIfAbsent(s.key(), k -> new TreeMap<>())
                    .computeIfAbsent(s.data().path("sequence").asLong(), k -> new HashSet<>()).add(s.id());
        }
        List<String> gaps = new ArrayList<>();
        List<String> doubles = new ArrayList<>();
        long anomalyEvents = 0;
        for (Map.Entry<String, Map<Long, Set<String>>> t : byTarget.entrySet()) {
            if (!t.getKey().equals(TARGET)) {
                continue; // events the suite published itself (scenario 3) carry their own numbers
            }
            long expected = 1;
            for (Map.Entry<Long, Set<String>> e : t.getValue().entrySet()) {
                if (e.getKey() != expected) {
                    gaps.add(t.getKey() + ": " + expected + ".." + (e.getKey() - 1));
                }
                if (e.getValue().size() > 1) {
                    doubles.add(t.getKey() + "#" + e.getKey());
                }
                expected = e.getKey() + 1;
                anomalyEvents++;
            }
        }
        Set<String> anomalyIds = ids(topics.seen(Topics.ANOMALIES));
        Set<String> operationIds = ids(topics.seen(Topics.OPERATIONS));
        long anomalyLost = anomalyOutbox.stream().filter(id -> !anomalyIds.contains(id)).count();
        long operationLost = operationOutbox.stream().filter(id -> !operationIds.contains(id)).count();
        report.check("0 lost anomaly events (gapless sequence numbers, every outbox row on the topic)",
                anomalyEvents + " numbers of " + TARGET + ", gaps " + gaps + ", numbers carried by two events "
                        + doubles + "; outbox rows not on the topic: " + anomalyLost + " of " + anomalyOutbox.size(),
                gaps.isEmpty() && doubles.isEmpty() && anomalyLost == 0);
        report.check("0 lost operation events (every outbox row on the topic, in outbox order per target)",
                "outbox rows not on the topic: " + operationLost + " of " + operationOutbox.size()
                        + "; redelivered copies (same id) on the topic: "
                        + (topics.seen(Topics.OPERATIONS).size() - operationIds.size()),
                operationLost == 0);
    }

    /** The values as a SQL list of string literals (ids read from the state database); {@code NULL} when empty. */
    private static String quoted(List<String> values) {
        return values.isEmpty() ? "NULL" : "'" + String.join("','", values) + "'";
    }

    // ------------------------------------------------------------------------------------------------------------
    // 2. target down for 60 s, back

    @Test
    @Order(2)
    void targetDownAndBack() throws Exception {
        int downSeconds = ReliabilityReport.size(60, 20);
        ReliabilityReport report = new ReliabilityReport("2. target down " + downSeconds + " s");
        try {
            targetOutage(report, downSeconds);
        } catch (Throwable e) {
            report.aborted(e);
        }
        report.assertAllHeld();
    }

    private void targetOutage(ReliabilityReport report, int downSeconds) throws Exception {
        // steady state: two cycles after the last scenario, then the service's sessions on the target
        Instant steady = Instant.now();
        await("two cycles of " + TARGET, () -> topics.snapshotTimes(TARGET).stream().filter(t -> t.isAfter(steady))
                .count() >= 2 ? true : null);
        Map<String, Long> before = sessions();
        long anomaliesBefore = topics.seen(Topics.ANOMALIES, TARGET).size();

        Map<Long, Double> pgUp = new TreeMap<>();
        target.stop();
        long downNanos = System.nanoTime();
        Instant downAt = Instant.now();
        Long pgUpZeroMs = null;
        Long anomalyMs = null;
        String anomalyFingerprint = null;
        while (System.nanoTime() - downNanos < Duration.ofSeconds(downSeconds).toNanos()) {
            long ms = (System.nanoTime() - downNanos) / 1_000_000;
            Double up = pgUp();
            pgUp.put(ms / 1000, up);
            if (pgUpZeroMs == null && up != null && up == 0.0) {
                pgUpZeroMs = ms;
            }
            if (anomalyMs == null) {
                TopicRecorder.Seen down = topics.seen(Topics.ANOMALIES, TARGET).stream().skip(anomaliesBefore)
                        .filter(s -> "target_down".equals(s.data().path("detector").asText())
                                && EventTypes.ANOMALY_OPENED.equals(s.type())).findFirst().orElse(null);
                if (down != null) {
                    anomalyMs = Duration.between(downAt, Instant.parse(down.data().path("occurred_at").asText())).toMillis();
                    anomalyFingerprint = down.data().path("fingerprint").asText();
                }
            }
            Thread.sleep(500);
        }
        target.start();
        long backNanos = System.nanoTime();
        long twoIntervals = 2 * INTERVAL.toMillis();
        report.check("pg_up = 0 within 2 intervals (10 s)",
                pgUpZeroMs == null ? "pg_up never 0 on /q/metrics in " + downSeconds + " s" : pgUpZeroMs + " ms after the stop",
                pgUpZeroMs != null && pgUpZeroMs <= twoIntervals);
        report.check("a target_down anomaly within 2 intervals (10 s)",
                anomalyMs == null ? "none opened in the " + downSeconds + " s outage" : "opened " + anomalyMs + " ms after the stop",
                anomalyMs != null && anomalyMs <= twoIntervals);

        // reconnect without a restart: pg_up back to 1, a fresh cycle with the target reachable
        Long reconnectMs = awaitOrNull("pg_up = 1 again", () -> {
            Double up = pgUp();
            return up != null && up == 1.0 ? (System.nanoTime() - backNanos) / 1_000_000 : null;
        });
        report.check("reconnects without a restart",
                reconnectMs == null ? "pg_up not 1 within " + PATIENCE : "pg_up = 1 " + reconnectMs + " ms after the target was back; "
                        + "both service processes the same: " + (stack.alive(PERF) && stack.alive(AUTOMATION)),
                reconnectMs != null && stack.alive(PERF) && stack.alive(AUTOMATION));
        if (anomalyFingerprint != null) {
            String fp = anomalyFingerprint;
            Long resolvedMs = awaitOrNull("the target_down anomaly resolved", () ->
                    topics.seen(Topics.ANOMALIES, TARGET).stream().anyMatch(s -> fp.equals(s.data().path("fingerprint").asText())
                            && EventTypes.ANOMALY_RESOLVED.equals(s.type())) ? (System.nanoTime() - backNanos) / 1_000_000 : null);
            report.check("the down anomaly resolves", resolvedMs == null ? "not resolved within " + PATIENCE
                    : "resolved " + resolvedMs + " ms after the target was back", resolvedMs != null);
        } else {
            report.check("the down anomaly resolves", "no down anomaly opened, nothing to resolve", false);
        }
        // the automation service is reachable on the target again too
        Boolean managed = awaitOrNull("the automation service sees the target reachable", () -> {
            JsonNode db = byId(get(AUTOMATION, "/api/databases"), TARGET);
            return db != null && "reachable".equals(db.path("status").asText()) ? true : null;
        });
        Instant back = Instant.now();
        await("two cycles after the target was back", () -> topics.snapshotTimes(TARGET).stream().filter(t -> t.isAfter(back))
                .count() >= 2 ? true : null);
        Map<String, Long> after = sessions();
        boolean leaked = after.entrySet().stream().anyMatch(e -> e.getValue() > before.getOrDefault(e.getKey(), 0L));
        report.check("no leaked connections (pg_stat_activity by application_name before/after)",
                "before " + before + ", after " + after + "; automation sees it reachable: " + (managed != null),
                !leaked && managed != null);
    }

    /**
     * The services' sessions on the target by application_name: the least of 3 samples a second apart, so that a
     * periodic check's short-lived connection (partitions, migrations) is not taken for a leak.
     */
    private static Map<String, Long> sessions() throws Exception {
        Map<String, Long> least = sessionsOnce();
        for (int i = 0; i < 2; i++) {
            Thread.sleep(1000);
            Map<String, Long> next = sessionsOnce();
            least.replaceAll((k, v) -> Math.min(v, next.getOrDefault(k, 0L)));
        }
        return least;
    }

    private static Map<String, Long> sessionsOnce() throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection c = target.connect("postgres"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT application_name, count(*) FROM pg_stat_activity"
                     + " WHERE application_name LIKE 'db-autopilot%' GROUP BY 1")) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        }
        return counts;
    }

    /** pg_up of the target on performance-service's /q/metrics, or null when not there. */
    private static Double pgUp() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.port(PERF)
                    + "/q/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            for (String line : r.body().lines().toList()) {
                if (line.startsWith("pg_up{") && line.contains("target=\"" + TARGET + "\"")) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        } catch (Exception e) {
            // not answering: counts as not seen
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------------------
    // 3. malformed records on each input topic

    @Test
    @Order(10) // last: a record the service could not dead-letter would stop its intake for the scenarios after it, and
    // the backlog of its flood would delay the drill's anomalies
    void malformedRecordsGoToTheDlq() throws Exception {
        int perTopic = ReliabilityReport.size(10_000, 200);
        ReliabilityReport report = new ReliabilityReport("3. " + perTopic + " malformed records per input topic");
        try {
            malformed(report, perTopic);
        } catch (Throwable e) {
            report.aborted(e);
        }
        report.assertAllHeld();
    }

    private void malformed(ReliabilityReport report, int perTopic) throws Exception {
        Map<String, String> dlqOf = Map.of(Topics.ANOMALIES, Topics.ANOMALIES + ".dlq",
                Topics.RECOMMENDATIONS, Topics.RECOMMENDATIONS + ".dlq");
        int big = ReliabilityReport.size(4, 1);
        // a 5 MB value must reach the topic at all: the broker's and the topics' size limit raised (the service's own
        // limits are what is tested)
        try (Admin admin = admin()) {
            Map<ConfigResource, Collection<AlterConfigOp>> ops = new HashMap<>();
            for (String t : List.of(Topics.ANOMALIES, Topics.RECOMMENDATIONS, Topics.ANOMALIES + ".dlq",
                    Topics.RECOMMENDATIONS + ".dlq")) {
                ops.put(new ConfigResource(ConfigResource.Type.TOPIC, t), List.of(new AlterConfigOp(
                        new ConfigEntry("max.message.bytes", Integer.toString(8 * 1024 * 1024)), AlterConfigOp.OpType.SET)));
            }
            admin.incrementalAlterConfigs(ops).all().get(30, TimeUnit.SECONDS);
        }
        Random random = new Random(19);
        Map<String, Map<String, Integer>> sent = new LinkedHashMap<>();
        try (KafkaProducer<String, byte[]> bytes = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024, ProducerConfig.LINGER_MS_CONFIG, 20))) {
            for (String topic : dlqOf.keySet()) {
                Map<String, Integer> kinds = new LinkedHashMap<>();
                for (int i = 0; i < perTopic; i++) {
                    // the 5 MB values last, so the other kinds are measured even if one of those stops the consumer
                    String kind = i >= perTopic - big ? "5 MB value" : switch (i % 3) {
                        case 0 -> "junk bytes";
                        case 1 -> "wrong schema";
                        default -> "schema-valid with NUL bytes";
                    };
                    kinds.merge(kind, 1, Integer::sum);
                    byte[] value = switch (kind) {
                        case "5 MB value" -> ("{\"summary\": \"" + "x".repeat(5 * 1024 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
                        case "junk bytes" -> {
                            byte[] b = new byte[1 + random.nextInt(300)];
                            random.nextBytes(b);
                            yield b;
                        }
                        case "wrong schema" -> ("{\"target_id\": 42, \"fingerprint\": [" + i + "], \"sequence\": \"x\"}")
                                .getBytes(StandardCharsets.UTF_8);
                        default -> nulEvent(topic, i).getBytes(StandardCharsets.UTF_8);
                    };
                    ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, TARGET, value);
                    if (!"junk bytes".equals(kind) || i % 2 == 0) {
                        ceHeaders(r.headers(), topic, UUID.randomUUID().toString());
                    }
                    r.headers().add("reliability-kind", kind.getBytes(StandardCharsets.UTF_8));
                    r.headers().add("reliability-seq", (topic + "#" + i).getBytes(StandardCharsets.UTF_8));
                    bytes.send(r);
                }
                sent.put(topic, kinds);
            }
            bytes.flush();
        }
        // a valid event on the same partition (key = target id) behind the flood
        String validId = UUID.randomUUID().toString();
        Instant now = Instant.now();
        AnomalyEvent valid = new AnomalyEvent("reliability-valid-" + validId, TARGET, "table_not_analyzed",
                TARGET_DB + ".public.analyzed", Severity.INFO, AnomalyState.OPENED, 1, now, now, Map.of("value", 1.0),
                "analyze", "valid event behind the malformed ones");
        ProducerRecord<String, String> record = new ProducerRecord<>(Topics.ANOMALIES, TARGET,
                EventJson.newMapper().writeValueAsString(valid));
        ceHeaders(record.headers(), Topics.ANOMALIES, validId);
        producer.send(record).get(30, TimeUnit.SECONDS);
        long validSent = System.nanoTime();
        Long validMs = awaitOrNull("the valid event behind the flood processed", Duration.ofSeconds(65), () -> scalar("autopilot_state",
                "SELECT count(*) FROM automation.processed_event WHERE event_id::text = '" + validId + "'") > 0
                ? (System.nanoTime() - validSent) / 1_000_000 : null);
        report.check("a valid event on the same partition, sent after the flood, processed within a minute",
                validMs == null ? "not processed within 65 s" : "processed " + validMs + " ms after it was sent",
                validMs != null && validMs <= 60_000);

        // the automation service's group has consumed both topics to their end: every record was handled
        // (behind an unprocessed valid event the partition cannot have been consumed to its end: no wait then)
        boolean consumed = validMs != null && awaitOrNull("the automation group consumed both input topics to the end", Duration.ofSeconds(30), () -> {
            for (String topic : dlqOf.keySet()) {
                if (lag("database-automation-service", topic) > 0) {
                    return null;
                }
            }
            return true;
        }) != null;
        for (Map.Entry<String, String> e : dlqOf.entrySet()) {
            Map<String, Integer> kinds = sent.get(e.getKey());
            Map<String, Integer> dead = new TreeMap<>();
            Map<String, Integer> reasons = new TreeMap<>();
            Map<String, Integer> copies = new HashMap<>();
            int withoutReason = readDlq(e.getValue(), dead, reasons, copies);
            long twice = copies.values().stream().filter(n -> n > 1).count();
            StringBuilder figures = new StringBuilder();
            boolean all = consumed && withoutReason == 0;
            for (Map.Entry<String, Integer> k : kinds.entrySet()) {
                int got = dead.getOrDefault(k.getKey(), 0);
                figures.append(k.getKey()).append(' ').append(got).append('/').append(k.getValue()).append("; ");
                all &= got == k.getValue();
            }
            report.check("every malformed record of " + e.getKey() + " in " + e.getValue() + " with a reason",
                    figures + "without a reason header " + withoutReason + "; dead-lettered more than once " + twice
                            + "; group lag 0: " + consumed
                            + "; reasons (first words): " + reasons, all);
        }
    }

    /** A schema-valid event of a topic's type with NUL characters in its free-text fields. */
    private static String nulEvent(String topic, int i) throws Exception {
        Instant now = Instant.now();
        if (Topics.ANOMALIES.equals(topic)) {
            return EventJson.newMapper().writeValueAsString(new AnomalyEvent("nul\u0000" + i, TARGET, "dead_tuples",
                    TARGET_DB + ".public.x\u0000", Severity.WARNING, AnomalyState.OPENED, 1, now, now, Map.of("value", 1.0),
                    "vacuum", "NUL \u0000 byte"));
        }
        return EventJson.newMapper().writeValueAsString(new io.dbautopilot.model.RecommendationEvent(
                "unused_index:" + TARGET + ":nul\u0000" + i, TARGET, TARGET_DB, "public.x\u0000", "unused_index",
                io.dbautopilot.model.RecommendationState.RAISED, now, Map.of("note", "NUL \u0000"), "drop_index",
                "none", io.dbautopilot.model.Risk.LOW, true, "NUL \u0000 byte"));
    }

    private static void ceHeaders(org.apache.kafka.common.header.Headers h, String topic, String id) {
        h.add("ce_specversion", "1.0".getBytes(StandardCharsets.UTF_8));
        h.add("ce_id", id.getBytes(StandardCharsets.UTF_8));
        h.add("ce_type", (Topics.ANOMALIES.equals(topic) ? EventTypes.ANOMALY_OPENED : EventTypes.RECOMMENDATION_RAISED)
                .getBytes(StandardCharsets.UTF_8));
        h.add("ce_source", EventSources.PERFORMANCE_SERVICE.getBytes(StandardCharsets.UTF_8));
        h.add("ce_subject", TARGET.getBytes(StandardCharsets.UTF_8));
        h.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Counts a DLQ's records of this scenario: distinct records per kind (by the sequence header the suite sets), copies
     * per record, and reasons; returns how many carry no reason.
     */
    private static int readDlq(String dlq, Map<String, Integer> kinds, Map<String, Integer> reasons,
                               Map<String, Integer> copies) {
        int withoutReason = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
            List<TopicPartition> partitions = consumer.partitionsFor(dlq, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(dlq, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    Header kind = r.headers().lastHeader("reliability-kind");
                    if (kind == null) {
                        continue; // dead-lettered before this scenario
                    }
                    Header seq = r.headers().lastHeader("reliability-seq");
                    String id = seq == null ? "?" + r.offset() : new String(seq.value(), StandardCharsets.UTF_8);
                    if (copies.merge(id, 1, Integer::sum) == 1) {
                        kinds.merge(new String(kind.value(), StandardCharsets.UTF_8), 1, Integer::sum);
                    }
                    Header reason = r.headers().lastHeader("dead-letter-reason");
                    if (reason == null || reason.value().length == 0) {
                        withoutReason++;
                    } else {
                        String text = new String(reason.value(), StandardCharsets.UTF_8);
                        String key = text.length() > 40 ? text.substring(0, 40) : text;
                        reasons.merge(key, 1, Integer::sum);
                    }
                }
            }
        }
        return withoutReason;
    }

    private static long lag(String group, String topic) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            long lag = 0;
            for (Map.Entry<TopicPartition, Long> e : endOffsets(topic).entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                lag += e.getValue() - (c == null ? 0 : c.offset());
            }
            return lag;
        }
    }

    private static Map<TopicPartition, Long> endOffsets(String topic) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> end = new HashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((p, i) -> end.put(p, i.offset()));
            return end;
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    // ------------------------------------------------------------------------------------------------------------
    // 4. fuzzed API requests

    @Test
    @Order(4)
    void fuzzedApiRequests() throws Exception {
        int perService = ReliabilityReport.size(10_000, 300);
        ReliabilityReport report = new ReliabilityReport("4. " + perService + " fuzzed API requests per service");
        try {
            new ApiFuzzer(stack, target, TARGET_DB, 19).run(report, perService, List.of(PERF, AUTOMATION));
        } catch (Throwable e) {
            report.aborted(e);
        }
        report.assertAllHeld();
    }

    // ------------------------------------------------------------------------------------------------------------
    // 5. SIGKILL of the automation service during a VACUUM and during a backup

    /** Scenario 5's own targets (databases of the suite's target cluster): one VACUUM and one backup each loop. */
    static final String KILL_VACUUM = "rel-kill-vacuum";
    static final String KILL_BACKUP = "rel-kill-backup";

    @Test
    @Order(5)
    void automationKilledDuringOperations() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(ReliabilityReport.quick(), "full run only (reliability/run.sh)");
        int loops = Integer.getInteger("reliability.kill-loops", 20);
        ReliabilityReport report = new ReliabilityReport("5. automation service SIGKILLed during a VACUUM, a backup and a"
                + " migration (" + loops + " loops, the three in flight at each kill)");
        try {
            // a VACUUM, a backup and a migration are heavy operations (one at a time per database): each loop runs the
            // three at once on three databases of the target cluster, so one SIGKILL interrupts all three
            for (String db : List.of(dbOf(KILL_VACUUM), dbOf(KILL_BACKUP))) {
                if (scalar("postgres", target, "SELECT count(*) FROM pg_database WHERE datname = '" + db + "'") == 0) {
                    target.createDatabase(db);
                }
                // small tables: no rule of the suite's opens on them (the only VACUUMs are the loops' own)
                target.execute(db, "CREATE TABLE IF NOT EXISTS public.victim (id int PRIMARY KEY, pad text)",
                        "INSERT INTO public.victim SELECT g, repeat('v', 100) FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING");
            }
            target.execute(TARGET_DB, "CREATE TABLE IF NOT EXISTS public.victim (id int PRIMARY KEY, pad text)",
                    "INSERT INTO public.victim SELECT g, repeat('v', 100) FROM generate_series(1, 1000) g ON CONFLICT DO NOTHING");
            registerKillTarget(KILL_VACUUM);
            registerKillTarget(KILL_BACKUP);
            List<KillLoop> results = new ArrayList<>();
            long started = System.nanoTime();
            for (int i = 0; i < loops; i++) {
                KillLoop r = killLoop(i);
                results.add(r);
                System.out.printf("[reliability] kill loop %d of %d: %s%n", i + 1, loops, r);
            }
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            List<String> finals = List.of("succeeded", "failed", "cancelled");
            report.check("every operation ends in a final state after the restart (VACUUM, backup, migrate; "
                            + loops + " kills, " + seconds + " s)",
                    summary(results, KillLoop::vacuum) + "; " + summary(results, KillLoop::backup) + "; "
                            + summary(results, KillLoop::migration),
                    results.stream().allMatch(r -> finals.contains(r.vacuum()) && finals.contains(r.backup())
                            && finals.contains(r.migration())));
            report.check("no duplicate execution: each VACUUM completed once (pg_stat_statements calls per operation);"
                            + " each migration applied once (one successful history row of one, its column present)",
                    "VACUUM completions per operation " + results.stream().map(KillLoop::vacuumRuns).toList()
                            + "; migrations " + results.stream().map(KillLoop::applied).toList(),
                    results.stream().allMatch(r -> r.vacuumRuns() == 1 && "applied 1/1, column present".equals(r.applied())));
            report.check("each kill interrupted all three (the operations retried after the dead instance's lease)",
                    "interruptions per loop (vacuum/backup/migrate) " + results.stream().map(KillLoop::interruptions).toList(),
                    results.stream().allMatch(r -> java.util.Arrays.stream(r.interruptions().split("/"))
                            .allMatch(n -> n.matches("[1-9][0-9]*"))));
            report.check("the killed instance's sessions and tools are gone once the restarted service retries (none"
                            + " waits for the suite to release its locks)",
                    "loops whose dead sessions outlived the retry: " + results.stream().filter(r -> !r.deadSessionsEnded())
                            .count() + " of " + loops + "; seconds per loop " + results.stream()
                            .map(r -> r.millis() / 1000).toList(),
                    results.stream().allMatch(KillLoop::deadSessionsEnded));
            catalogAgreesWithFiles(report);
        } catch (Throwable e) {
            report.aborted(e);
        }
        report.assertAllHeld();
    }

    /** One loop of scenario 5: each operation's final status, what it did, and its interruptions. */
    record KillLoop(String vacuum, long vacuumRuns, String backup, String migration, String applied,
                    String interruptions, boolean deadSessionsEnded, long millis) {
    }

    private static String summary(List<KillLoop> results, java.util.function.Function<KillLoop, String> status) {
        Map<String, Long> counts = new TreeMap<>();
        results.forEach(r -> counts.merge(status.apply(r), 1L, Long::sum));
        return counts.toString();
    }

    private static String dbOf(String targetId) {
        return targetId.replace('-', '_');
    }

    /**
     * Registers one of scenario 5's targets: a database of the suite's target cluster, its {@code lock_timeout} long
     * enough (120 s) that its operation still waits on the suite's lock when the kill comes.
     */
    private static void registerKillTarget(String id) throws Exception {
        String body = """
                {"id": "%s", "engine": "postgresql", "url": "postgresql://%s:%d/%s", "username": "%s",
                 "credentials_ref": "env:%s", "labels": {"env": "test", "suite": "reliability"},
                 "collection": {"interval": "60s", "include_databases": ["%s"]},
                 "automation": {"lock_timeout": "120s"}, "trust": "auto"}
                """.formatted(id, target.host(), target.port(), dbOf(id), target.user(), PASSWORD_ENV, dbOf(id));
        HttpResponse<String> created = stack.send(PERF, "POST", "/api/targets", PerformanceInstances.OPERATOR_KEY, body);
        if (created.statusCode() != 201 && created.statusCode() != 409) {
            throw new AssertionError("could not register " + id + ": " + created.body());
        }
        await(id + " managed by the automation service", () -> {
            for (JsonNode db : get(AUTOMATION, "/api/databases")) {
                if (id.equals(db.path("id").asText()) && "reachable".equals(db.path("status").asText())) {
                    return true;
                }
            }
            return null;
        });
    }

    /**
     * One loop: the suite holds a lock on {@code victim} in each database, a VACUUM and a pg_dump backup are requested
     * and a migration (ALTER TABLE victim) written; once the three statements wait on their locks the automation
     * service is SIGKILLed and started again on the same state. The locks are released once the dead instance's
     * sessions are gone (the restarted service ends them when it retries; 60 s at most, else the loop says so), then
     * the three operations are followed to their final state.
     */
    private KillLoop killLoop(int loop) throws Exception {
        long t0 = System.nanoTime();
        String vacuumDb = dbOf(KILL_VACUUM);
        String backupDb = dbOf(KILL_BACKUP);
        long vacuumsBefore = vacuumCalls(vacuumDb);
        try (Connection vacuumLock = target.connect(vacuumDb); Connection backupLock = target.connect(backupDb);
             Connection migrationLock = target.connect(TARGET_DB)) {
            lock(vacuumLock, "SHARE UPDATE EXCLUSIVE");
            lock(backupLock, "ACCESS EXCLUSIVE");
            lock(migrationLock, "ACCESS SHARE");
            String vacuum = request("/api/operations", "{\"database\": \"" + KILL_VACUUM + "\", \"type\": \"vacuum\","
                    + " \"object\": \"public.victim\", \"reason\": \"reliability kill " + loop + "\"}");
            String backup = request("/api/backups", "{\"database\": \"" + KILL_BACKUP + "\", \"engine\": \"pg_dump\","
                    + " \"reason\": \"reliability kill " + loop + "\"}");
            String waitingIn = "SELECT pid::text FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = '%s'";
            List<String> vacuumPids = await("the VACUUM of loop " + loop + " waiting on its lock",
                    () -> nonEmpty(column("postgres", target, waitingIn.formatted(vacuumDb) + " AND query ILIKE 'VACUUM%'")));
            List<String> backupPids = await("the backup of loop " + loop + " waiting on its lock",
                    () -> nonEmpty(column("postgres", target, waitingIn.formatted(backupDb))));
            // the migration last: the suite's target keeps the 2 s lock_timeout, so its ALTER waits in short attempts
            int version = ClosedLoopDrill.VERSION.incrementAndGet();
            String col = "m" + version;
            Instant written = Instant.now();
            Files.writeString(ClosedLoopDrill.migrations(stack.work).resolve("V" + version + "__kill_" + loop + ".sql"),
                    "ALTER TABLE public.victim ADD COLUMN " + col + " int;\n", StandardCharsets.UTF_8);
            List<String> migrationPids = await("migration V" + version + " waiting on its lock",
                    () -> nonEmpty(column("postgres", target, waitingIn.formatted(TARGET_DB)
                            + " AND query ILIKE '%ALTER TABLE%victim%'")));
            stack.kill(AUTOMATION);
            stack.restart(AUTOMATION);
            String migration = await("the migrate operation of V" + version, () -> {
                for (JsonNode o : list(get(AUTOMATION, "/api/operations?database=" + TARGET + "&type=migrate"))) {
                    if (Instant.parse(o.path("requested_at").asText()).isAfter(written.minusSeconds(1))) {
                        return o.path("id").asText();
                    }
                }
                return null;
            });
            // the restarted service finds the interrupted operations (their lease expires) and ends the dead one's
            // sessions and tools when it retries them
            List<String> pids = new ArrayList<>(vacuumPids);
            pids.addAll(backupPids);
            pids.addAll(migrationPids);
            String gone = "SELECT count(*) FROM pg_stat_activity WHERE pid::text IN ('" + String.join("','", pids) + "')";
            Boolean ended = awaitOrNull("the killed instance's sessions on the target gone", Duration.ofSeconds(60),
                    () -> scalar("postgres", target, gone) == 0 ? true : null);
            vacuumLock.rollback();
            backupLock.rollback();
            migrationLock.rollback();
            JsonNode v = finalState(vacuum);
            JsonNode b = finalState(backup);
            JsonNode m = finalState(migration);
            long applied = scalar(TARGET_DB, target, "SELECT count(*) FROM " + ClosedLoopDrill.MIGRATION_SCHEMA
                    + ".flyway_schema_history WHERE version = '" + version + "' AND success");
            long rows = scalar(TARGET_DB, target, "SELECT count(*) FROM " + ClosedLoopDrill.MIGRATION_SCHEMA
                    + ".flyway_schema_history WHERE version = '" + version + "'");
            long present = scalar(TARGET_DB, target, "SELECT count(*) FROM information_schema.columns"
                    + " WHERE table_name = 'victim' AND column_name = '" + col + "'");
            return new KillLoop(v.path("status").asText(), vacuumCalls(vacuumDb) - vacuumsBefore, b.path("status").asText(),
                    m.path("status").asText(), "applied " + applied + "/" + rows + (present == 1 ? ", column present" : ", no column"),
                    v.path("interruptions").asText("?") + "/" + b.path("interruptions").asText("?") + "/"
                            + m.path("interruptions").asText("?"), ended != null,
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    private static void lock(Connection c, String mode) throws Exception {
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("LOCK TABLE public.victim IN " + mode + " MODE");
        }
    }

    private static <T> List<T> nonEmpty(List<T> values) {
        return values.isEmpty() ? null : values;
    }

    /** Requests an operation through the automation service's API; its id. */
    private static String request(String path, String body) throws Exception {
        HttpResponse<String> r = stack.send(AUTOMATION, "POST", path, PerformanceInstances.OPERATOR_KEY, body);
        if (r.statusCode() / 100 != 2) {
            throw new AssertionError(path + ": " + r.statusCode() + " " + r.body());
        }
        JsonNode accepted = Repo.JSON.readTree(r.body());
        return accepted.path("id").asText(accepted.path("operation_id").asText());
    }

    private static JsonNode finalState(String operationId) throws Exception {
        return await("operation " + operationId + " in a final state", () -> {
            JsonNode o = get(AUTOMATION, "/api/operations/" + operationId);
            return List.of("succeeded", "failed", "cancelled").contains(o.path("status").asText()) ? o : null;
        });
    }

    private static long vacuumCalls(String database) throws Exception {
        return scalar(TARGET_DB, target, "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements"
                + " WHERE query ILIKE 'VACUUM%victim%' AND dbid = (SELECT oid FROM pg_database WHERE datname = '"
                + database + "')");
    }

    /**
     * Every backup cataloged completed has its files and passes the service's own verification again
     * ({@code POST /api/backups/{id}/verify}: checksum of the stored files and {@code pg_restore --list}); every file
     * under the backup directory belongs to a cataloged backup.
     */
    private static void catalogAgreesWithFiles(ReliabilityReport report) throws Exception {
        List<String> problems = new ArrayList<>();
        Set<String> cataloged = new HashSet<>();
        int completed = 0;
        List<JsonNode> all = new ArrayList<>();
        for (String id : List.of(TARGET, KILL_BACKUP)) {
            list(get(AUTOMATION, "/api/backups?database=" + id + "&limit=1000")).forEach(all::add);
        }
        for (JsonNode b : all) {
            String location = b.path("location").asText("");
            String status = b.path("status").asText();
            if (!location.isEmpty()) {
                cataloged.add(Path.of(location).normalize().toString());
            }
            if ("completed".equals(status)) {
                completed++;
                Path file = Path.of(location);
                if (!Files.exists(file)) {
                    problems.add("completed " + b.path("backup_id").asText() + " has no file " + location);
                } else {
                    String verified = reverify(b.path("backup_id").asText());
                    if (!verified.startsWith("succeeded")) {
                        problems.add("completed " + b.path("backup_id").asText() + " fails verification: " + verified);
                    }
                }
            }
        }
        List<String> orphans = new ArrayList<>();
        try (var files = Files.walk(backups)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().contains("/.tools/")).toList()) {
                boolean known = cataloged.stream().anyMatch(c -> f.normalize().toString().startsWith(c));
                if (!known) {
                    orphans.add(backups.relativize(f).toString());
                }
            }
        }
        report.check("no backup cataloged completed that is not complete; catalog and files agree",
                completed + " completed; problems " + problems + "; files without a catalog row " + orphans,
                problems.isEmpty() && orphans.isEmpty());
    }

    /** Runs the service's verification of a backup again; its operation's final status and reason. */
    private static String reverify(String backupId) throws Exception {
        HttpResponse<String> r = stack.send(AUTOMATION, "POST", "/api/backups/" + backupId + "/verify",
                PerformanceInstances.OPERATOR_KEY, null);
        if (r.statusCode() != 202) {
            return "verify answered " + r.statusCode() + " " + r.body();
        }
        JsonNode accepted = Repo.JSON.readTree(r.body());
        String operationId = accepted.path("id").asText(accepted.path("operation_id").asText());
        JsonNode op = await("verification " + operationId + " of backup " + backupId, () -> {
            JsonNode o = get(AUTOMATION, "/api/operations/" + operationId);
            return List.of("succeeded", "failed", "cancelled").contains(o.path("status").asText()) ? o : null;
        });
        return op.path("status").asText() + " " + op.path("reason").asText("");
    }

    // ------------------------------------------------------------------------------------------------------------
    // 10. closed-loop drill: each condition made for real and remediated through the normal path

    @Test
    @Order(8) // after 5: its rules (idle in transaction) must not meet the suite's own lock-holding sessions of 5
    void closedLoopDrill() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(ReliabilityReport.quick(), "full run only (reliability/run.sh)");
        ReliabilityReport report = new ReliabilityReport("10. closed-loop drill (PostgreSQL)");
        try {
            ClosedLoopDrill.run(report, target, stack.work, rulesFile, suiteRules);
        } catch (Throwable e) {
            report.aborted(e);
        }
        report.assertAllHeld();
    }

    @Test
    @Order(9) // right after closedLoopDrill (8), before the malformed records (10)
    void engineDrill() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(ReliabilityReport.quick(), "full run only (reliability/run.sh)");
        ReliabilityReport report = new ReliabilityReport("10. closed-loop drill (MariaDB, SQLite, Redis)");
        try {
            engines.run(report);
        } catch (Throwable e) {
            report.aborted(e);
        }
        report.assertAllHeld();
    }

    // ------------------------------------------------------------------------------------------------------------
    // 6. disk full on the backup directory during a backup

    @Test
    @Order(6)
    void diskFullDuringABackup() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(ReliabilityReport.quick(), "full run only (reliability/run.sh)");
        ReliabilityReport report = new ReliabilityReport("6. disk full (" + BACKUP_FS_MB + " MB tmpfs) during a backup");
        try {
            if (mountError != null) {
                report.check("a small filesystem for the backup directory", mountError, false);
            } else {
                diskFull(report);
            }
        } catch (Throwable e) {
            report.aborted(e);
        }
        report.assertAllHeld();
    }

    private void diskFull(ReliabilityReport report) throws Exception {
        // an older backup that fits
        JsonNode older = backup("the older backup");
        report.check("an older pg_dump backup fits and completes", older.path("status").asText() + ", "
                + older.path("size_bytes").asLong() + " bytes at " + older.path("location").asText(),
                "completed".equals(older.path("status").asText()));
        String olderSum = sha256(Path.of(older.path("location").asText()));
        // then the database outgrows the filesystem: ~40 MB of hex text (about 20 MB compressed)
        target.execute(TARGET_DB, "CREATE TABLE public.filler (id int, pad text)",
                "INSERT INTO public.filler SELECT g, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text)"
                        + " FROM generate_series(1, 400000) g");
        try {
            long started = System.nanoTime();
            JsonNode full = backup("the backup that fills the disk");
            String status = full.path("status").asText();
            report.check("the backup fails cleanly (failed, with the reason; nothing cataloged completed)",
                    status + String.format(" after %.1f s: ", (System.nanoTime() - started) / 1e9)
                            + full.path("error").asText(full.toString()).lines()
                            .filter(l -> l.toLowerCase().contains("space")).findFirst()
                            .orElse(full.path("error").asText(full.toString())),
                    !"completed".equals(status) && full.path("error").asText("").toLowerCase().contains("space"));
            long leftBytes;
            List<String> left = new ArrayList<>();
            try (var files = Files.walk(backups)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    left.add(backups.relativize(f) + " " + Files.size(f));
                }
            }
            leftBytes = left.stream().mapToLong(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).sum();
            report.check("nothing of the failed backup left behind on the filesystem",
                    left.size() + " files, " + leftBytes + " bytes: " + left,
                    left.stream().noneMatch(l -> l.contains(full.path("backup_id").asText("\u0000"))));
            JsonNode olderNow = backupById(older.path("backup_id").asText());
            String sumNow = sha256(Path.of(older.path("location").asText()));
            report.check("the older backup intact (catalog completed, files unchanged)",
                    olderNow.path("status").asText() + ", sha256 of its files " + (olderSum.equals(sumNow) ? "unchanged" : "CHANGED")
                            + " (" + olderSum.substring(0, Math.min(12, olderSum.length())) + ")",
                    "completed".equals(olderNow.path("status").asText()) && olderSum.equals(sumNow)
                            && !olderSum.startsWith("missing"));
            long anomalyStart = System.nanoTime();
            TopicRecorder.Seen anomaly = awaitOrNull("a backup_failed anomaly", () -> topics.seen(Topics.ANOMALIES, TARGET)
                    .stream().filter(s -> "backup_failed".equals(s.data().path("detector").asText())
                            && EventTypes.ANOMALY_OPENED.equals(s.type())).findFirst().orElse(null));
            report.check("an anomaly opens", anomaly == null ? "no backup_failed anomaly within " + PATIENCE
                    : "backup_failed " + anomaly.data().path("severity").asText() + String.format(", %.1f s after the backup ended",
                    (System.nanoTime() - anomalyStart) / 1e9), anomaly != null);
        } finally {
            target.execute(TARGET_DB, "DROP TABLE public.filler");
        }
    }

    /** Requests a pg_dump backup of the target and waits for its catalog row to reach a final state. */
    private static JsonNode backup(String what) throws Exception {
        HttpResponse<String> r = stack.send(AUTOMATION, "POST", "/api/backups", PerformanceInstances.OPERATOR_KEY,
                "{\"database\": \"" + TARGET + "\", \"engine\": \"pg_dump\", \"reason\": \"reliability: " + what + "\"}");
        if (r.statusCode() != 202) {
            throw new AssertionError("POST /api/backups for " + what + ": " + r.statusCode() + " " + r.body());
        }
        JsonNode accepted = Repo.JSON.readTree(r.body());
        String operationId = accepted.path("id").asText(accepted.path("operation_id").asText());
        return await(what + " (operation " + operationId + ") in a final state", () -> {
            List<JsonNode> all = new ArrayList<>();
        for (String id : List.of(TARGET, KILL_BACKUP)) {
            list(get(AUTOMATION, "/api/backups?database=" + id + "&limit=1000")).forEach(all::add);
        }
        for (JsonNode b : all) {
                if (operationId.equals(b.path("operation_id").asText())
                        && List.of("completed", "failed", "corrupt", "expired").contains(b.path("status").asText())) {
                    return b;
                }
            }
            JsonNode op = get(AUTOMATION, "/api/operations/" + operationId);
            if (List.of("failed", "cancelled").contains(op.path("status").asText())) {
                ObjectNode none = Repo.JSON.createObjectNode();
                none.put("status", "no catalog row; operation " + op.path("status").asText());
                none.put("error", op.path("reason").asText());
                return none;
            }
            return null;
        });
    }

    private static JsonNode backupById(String id) throws Exception {
        return get(AUTOMATION, "/api/backups/" + id);
    }

    private static JsonNode list(JsonNode page) {
        return page.isArray() ? page : page.has("items") ? page.get("items") : page.path("backups");
    }

    /** SHA-256 of a file, or of a directory's files (names and contents, in name order). */
    private static String sha256(Path path) throws Exception {
        if (!Files.exists(path)) {
            return "missing " + path;
        }
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        if (Files.isRegularFile(path)) {
            return java.util.HexFormat.of().formatHex(md.digest(Files.readAllBytes(path)));
        }
        try (var files = Files.walk(path)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                md.update(path.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                md.update(Files.readAllBytes(f));
            }
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    // ------------------------------------------------------------------------------------------------------------
    // 7. state database restarted under load

    @Test
    @Order(7)
    void stateDatabaseRestartedUnderLoad() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(ReliabilityReport.quick(), "full run only (reliability/run.sh)");
        int downSeconds = 30;
        ReliabilityReport report = new ReliabilityReport("7. state database down " + downSeconds + " s under load");
        try {
            stateOutage(report, downSeconds);
        } catch (Throwable e) {
            report.aborted(e);
        }
        report.assertAllHeld();
    }

    private void stateOutage(ReliabilityReport report, int downSeconds) throws Exception {
        // load: a new dead-tuple condition just before the stop, so detection, intake and the operation engine all
        // have work in flight while the state database is away
        target.execute(TARGET_DB,
                "CREATE TABLE public.state_load (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = off)",
                "INSERT INTO public.state_load SELECT g, repeat('s', 50) FROM generate_series(1, 40000) g",
                "DELETE FROM public.state_load WHERE id % 4 <> 0");
        Instant loaded = Instant.now();
        stack.postgres.stop();
        long stoppedNanos = System.nanoTime();
        Map<String, Set<Integer>> healthDuring = new TreeMap<>();
        while (System.nanoTime() - stoppedNanos < Duration.ofSeconds(downSeconds).toNanos()) {
            for (String s : List.of(PERF, AUTOMATION)) {
                healthDuring.computeIfAbsent(s, k -> new TreeSet<>()).add(health(s));
            }
            Thread.sleep(1000);
        }
        boolean aliveDuring = stack.alive(PERF) && stack.alive(AUTOMATION);
        stack.postgres.start();
        long startedNanos = System.nanoTime();
        report.check("both services degrade, not crash", "processes alive through the outage: " + aliveDuring
                + "; /health during it: " + healthDuring, aliveDuring);
        Map<String, Long> recovered = new LinkedHashMap<>();
        for (String s : List.of(PERF, AUTOMATION)) {
            Long ms = awaitOrNull(s + " /health 200 again", () -> health(s) == 200
                    ? (System.nanoTime() - startedNanos) / 1_000_000 : null);
            recovered.put(s, ms == null ? -1 : ms);
        }
        report.check("both recover by themselves (no restart)", recovered.entrySet().stream()
                        .map(e -> e.getKey() + " " + (e.getValue() < 0 ? "not within " + PATIENCE : e.getValue() + " ms"))
                        .toList() + " after the state database was back; same processes: "
                        + (stack.alive(PERF) && stack.alive(AUTOMATION)),
                recovered.values().stream().allMatch(v -> v >= 0) && stack.alive(PERF) && stack.alive(AUTOMATION));
        TopicRecorder.Seen done = awaitOrNull("the VACUUM of public.state_load succeeded", () ->
                topics.seen(Topics.OPERATIONS, TARGET).stream()
                        .filter(x -> EventTypes.OPERATION_SUCCEEDED.equals(x.type())
                                && x.data().path("details").toString().contains("state_load")
                                || EventTypes.OPERATION_SUCCEEDED.equals(x.type())
                                && x.data().path("object").asText("").contains("state_load"))
                        .findFirst().orElse(null));
        report.check("the work in flight completes", done == null ? "no VACUUM of state_load succeeded within " + PATIENCE
                : String.format("VACUUM of state_load succeeded %.1f s after the condition was made",
                Duration.between(loaded, Instant.parse(done.data().path("occurred_at").asText())).toMillis() / 1000.0),
                done != null);
        checkNothingLost(report);
    }

    // ------------------------------------------------------------------------------------------------------------
    // helpers

    static int health(String service) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.port(service) + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * What a service's {@code /health} names as not healthy: its checks that are not UP, its reasons (overdue tasks,
     * unreachable targets), or the status code when it did not answer 200 with a body; empty when it answers 200.
     */
    static Set<String> notHealthy(String service) {
        Set<String> down = new TreeSet<>();
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.port(service)
                    + "/health")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                return down;
            }
            JsonNode body = Repo.JSON.readTree(r.body());
            for (JsonNode c : body.path("checks")) {
                if (!"UP".equals(c.path("status").asText())) {
                    // with the channels or clients the check names as not ready ("[KO] - ..."), when it says
                    List<String> ko = new ArrayList<>();
                    c.path("data").fields().forEachRemaining(f -> {
                        if (f.getValue().asText().contains("KO")) {
                            ko.add(f.getKey());
                        }
                    });
                    down.add(c.path("name").asText() + (ko.isEmpty() ? "" : " " + ko));
                }
            }
            if (down.isEmpty()) {
                down.add("status " + r.statusCode() + " " + body.path("status").asText());
            }
        } catch (Exception e) {
            down.add("no answer: " + e.getClass().getSimpleName());
        }
        return down;
    }

    static JsonNode get(String service, String path) throws Exception {
        HttpResponse<String> r = stack.send(service, "GET", path, PerformanceInstances.VIEWER_KEY, null);
        if (r.statusCode() != 200) {
            throw new AssertionError(service + " GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return Repo.JSON.readTree(r.body());
    }

    static JsonNode byId(JsonNode list, String id) {
        for (JsonNode n : list) {
            if (id.equals(n.path("id").asText())) {
                return n;
            }
        }
        return null;
    }

    private static Set<String> ids(List<TopicRecorder.Seen> seen) {
        Set<String> ids = new HashSet<>();
        seen.forEach(s -> ids.add(s.id()));
        return ids;
    }

    private static long deadTuples(String table) {
        try {
            return scalar(TARGET_DB, target, "SELECT coalesce(max(n_dead_tup), 0) FROM pg_stat_user_tables WHERE relname = '"
                    + table + "'");
        } catch (Exception e) {
            return -1;
        }
    }

    static long scalar(String database, String sql) throws Exception {
        return scalar(database, stack.postgres, sql);
    }

    static long scalar(String database, ThrowawayPostgres server, String sql) throws Exception {
        try (Connection c = server.connect(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<String> column(String database, String sql) throws Exception {
        return column(database, stack.postgres, sql);
    }

    static List<String> column(String database, ThrowawayPostgres server, String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection c = server.connect(database); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /** Polls until the probe returns non-null (exceptions: not yet); fails after {@link #PATIENCE} naming the wait. */
    static <T> T await(String what, java.util.concurrent.Callable<T> probe) throws InterruptedException {
        T value = awaitOrNull(what, probe);
        if (value == null) {
            throw new AssertionError("waited " + PATIENCE + " for " + what + stack.logTails());
        }
        return value;
    }

    /** Polls until the probe returns non-null (exceptions: not yet), or null after {@link #PATIENCE}. */
    static <T> T awaitOrNull(String what, java.util.concurrent.Callable<T> probe) throws InterruptedException {
        return awaitOrNull(what, PATIENCE, probe);
    }

    /** Polls until the probe returns non-null (exceptions: not yet), or null after {@code patience}. */
    static <T> T awaitOrNull(String what, Duration patience, java.util.concurrent.Callable<T> probe)
            throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                T value = probe.call();
                if (value != null) {
                    return value;
                }
            } catch (Exception | AssertionError e) {
                // not yet
            }
            Thread.sleep(500);
        }
        return null;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
