package io.dbautopilot.performance.detect.rules;

import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.model.OperationState;
import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.dbautopilot.performance.operations.OperationEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SQLite collection and every shipped SQLite rule (sqlite-rules.yaml; {@code for} set to 0 so a test need not wait
 * minutes) on a real condition made in real database files, evaluated on the service's real current values of targets
 * registered through the API: a file fragmented by mass deletes, a write-ahead log grown by one large transaction, a
 * file with a corrupted page, a deleted file; the disk-space rule is scaled to this machine's free space (the
 * comment says how).
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SqliteShippedRulesTest {

    static final String TARGET = "sqlite-app";
    static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("dbautopilot-sqlite-test-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @io.dbautopilot.localstack.quarkus.InjectInfra
    io.dbautopilot.localstack.kafka.KafkaBroker kafka;

    @Inject
    LatestSnapshots latest;

    @Inject
    MetricFamilies families;

    @AfterAll
    static void removeFiles() {
        io.dbautopilot.localstack.TempDirectories.deleteRecursively(DIR);
    }

    /**
     * The disk-full forecast (series {@code sqlite_disk_full}, not a rule of sqlite-rules.yaml): a SQLite file on a
     * 64 MiB tmpfs mounted for the test (root, as CI runs) whose filesystem another file fills by 1 MiB every 500 ms
     * is forecast to fill up within minutes (emergency, with its ETA); the forecast resolves once the filler is gone.
     */
    @Test
    @Order(8)
    void aFillingFilesystemIsForecastToRunOut() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "mounting a tmpfs needs root (CI runs as root)");
        Path mount = Files.createDirectory(DIR.resolve("filling"));
        exec("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", mount.toString());
        java.util.concurrent.ScheduledExecutorService filler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        String id = "sqlite-filling";
        try (io.dbautopilot.performance.detect.AnomalyEvents events =
                     new io.dbautopilot.performance.detect.AnomalyEvents(kafka.bootstrapServers())) {
            Path file = Files.copy(database("small.db", 10), mount.resolve("app.db"));
            register(id, file).statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(200),
                    org.hamcrest.Matchers.is(201)));
            Path fill = mount.resolve("filler.bin");
            byte[] mib = new byte[1 << 20];
            filler.scheduleAtFixedRate(() -> {
                try {
                    Files.write(fill, mib, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                } catch (java.io.IOException full) {
                    // the filesystem is full: the forecast must have opened long before
                }
            }, 0, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
            io.dbautopilot.model.AnomalyEvent opened = events.await(90, "forecast_sqlite_disk_full opened",
                    r -> id.equals(r.key()) && r.event().detector().equals("forecast_sqlite_disk_full")
                            && r.event().state() == io.dbautopilot.model.AnomalyState.OPENED).event();
            assertEquals(io.dbautopilot.model.Severity.EMERGENCY, opened.severity(), "minutes away: " + opened.evidence());
            double etaHours = opened.evidence().get("eta_hours");
            assertTrue(etaHours > 0 && etaHours < 0.1, "64 MiB at 2 MiB/s: well under 6 minutes: " + opened.evidence());
            assertTrue(opened.summary().contains("filesystem of the SQLite file full"), opened.summary());
            filler.shutdownNow();
            filler.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS);
            Files.delete(fill);
            events.await(90, "forecast_sqlite_disk_full resolved", r -> r.event().fingerprint().equals(opened.fingerprint())
                    && r.event().state() == io.dbautopilot.model.AnomalyState.RESOLVED);
        } finally {
            filler.shutdownNow();
            RestAssured.delete("/api/targets/" + id);
            exec("umount", "-l", mount.toString());
        }
    }

    private static void exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }

    /** Last: the target leaves the registry (later classes on the same broker must not see it). */
    @Test
    @Order(99)
    void theTargetIsRemoved() {
        RestAssured.delete("/api/targets/" + TARGET).then().statusCode(204);
        RestAssured.get("/api/targets/" + TARGET).then().statusCode(404);
    }

    static ValidatableResponse register(String id, Path file) {
        String body = """
                {"engine": "sqlite", "url": "sqlite://%s", "labels": {"env": "test"},
                 "collection": {"interval": "1s", "query_timeout": "3s", "family_intervals": {"integrity": "1s", "tables": "1s"}}}"""
                .formatted(file);
        return RestAssured.given().contentType(ContentType.JSON).body(body).queryParam("check", true)
                .put("/api/targets/" + id).then();
    }

    static Connection open(Path file) throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + file);
    }

    /** A file with a table of {@code rows} rows of 1 KiB each. */
    static Path database(String name, int rows) throws Exception {
        Path file = DIR.resolve(name);
        try (Connection c = open(file); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
            st.execute("CREATE INDEX IF NOT EXISTS items_body ON items (length(body))");
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (body) VALUES (randomblob(1024))")) {
                for (int i = 0; i < rows; i++) {
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
        return file;
    }

    static String shippedText() throws Exception {
        try (InputStream in = SqliteShippedRulesTest.class.getClassLoader().getResourceAsStream("rules/sqlite-rules.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A shipped SQLite rule with {@code for} and cooldown set to 0. */
    static Rule shipped(String name) throws Exception {
        for (Rule r : new RuleLoader(new MetricCatalog()).parse("sqlite-rules.yaml", shippedText()).forTarget(TARGET)) {
            if (r.name().equals(name)) {
                return new Rule(r.name(), r.expression(), r.labels(), r.guards(), r.comparison(), r.thresholds(),
                        r.resolve(), Duration.ZERO, Duration.ZERO, r.action(), r.object(), r.description(), r.enabled());
            }
        }
        throw new AssertionError("no shipped SQLite rule " + name);
    }

    /** A shipped rule with thresholds and resolve bound multiplied by {@code factor}, guards by {@code guardFactor}. */
    static Rule scaled(String name, double factor, double guardFactor) throws Exception {
        Rule r = shipped(name);
        NavigableMap<Severity, Double> thresholds = new TreeMap<>();
        r.thresholds().forEach((s, v) -> thresholds.put(s, v * factor));
        List<Guard> guards = r.guards().stream()
                .map(g -> new Guard(g.metric(), g.comparison(), g.value() * guardFactor)).toList();
        return new Rule(r.name(), r.expression(), r.labels(), guards, r.comparison(), thresholds, r.resolve() * factor,
                r.forDuration(), r.cooldown(), r.action(), r.object(), r.description(), r.enabled());
    }

    private LifecycleDriver driver(Rule... rules) {
        String target = TARGET;
        await().atMost(Duration.ofSeconds(60)).until(() -> latest.current(target).stream()
                .anyMatch(p -> p.name().equals("sqlite_page_count")));
        LifecycleDriver d = new LifecycleDriver(target, List.of(rules));
        d.familyOf = families::familyOf;
        d.cycle(latest.current(target), Instant.now());
        return d;
    }

    /** Evaluates the target's current values after each new cycle until {@code rule} opened. */
    private LifecycleDriver.Published awaitOpened(String target, LifecycleDriver d, String rule, Predicate<String> object)
            throws InterruptedException {
        Instant since = Instant.now();
        Instant last = since;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Instant seen = latest.latest(target).map(MetricSnapshot::collectedAt).orElse(since);
            if (seen.isAfter(last)) {
                last = seen;
                d.cycle(latest.current(target), Instant.now());
                for (LifecycleDriver.Published p : d.published) {
                    if (p.state() == AnomalyState.OPENED && p.record().rule().equals(rule)
                            && object.test(p.record().object())) {
                        return p;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError(rule + " did not open within 60 s; published: " + d.published);
    }

    /** The value of a metric in the target's current values after a cycle that started after now. */
    private double nextValue(String target, String metric) {
        Instant since = Instant.now();
        await().atMost(Duration.ofSeconds(30)).until(() -> latest.latest(target)
                .filter(s -> s.collectedAt().isAfter(since)).isPresent());
        return latest.current(target).stream().filter(p -> p.name().equals(metric)).mapToDouble(MetricPoint::value)
                .findFirst().orElseThrow(() -> new AssertionError("no " + metric + " for " + target));
    }

    @Test
    @Order(0)
    void everyShippedRuleIsTestedHere() throws Exception {
        Set<String> names = new TreeSet<>();
        new RuleLoader(new MetricCatalog()).parse("sqlite-rules.yaml", shippedText()).rules().forEach(r -> names.add(r.name()));
        assertTrue(names.size() >= 5, names.toString());
        String source = Files.readString(Path.of(
                "src/test/java/io/dbautopilot/performance/detect/rules/SqliteShippedRulesTest.java"));
        List<String> untested = names.stream().filter(n -> !source.contains("\"" + n + "\"")).toList();
        assertEquals(List.of(), untested, "shipped SQLite rules without a test on a real condition");
    }

    /** A missing file and a file that is not a SQLite database are refused naming the path; a real one is checked. */
    @Test
    @Order(1)
    void registrationChecksTheFileAndCollectionReadsIt() throws Exception {
        Path missing = DIR.resolve("missing.db");
        register("sqlite-missing", missing).statusCode(400).contentType(containsString("application/problem+json"))
                .body(containsString(missing.toString())).body(containsString("does not exist"));
        Path text = DIR.resolve("notes.txt");
        Files.writeString(text, "not a database at all, just some text that is long enough");
        register("sqlite-text", text).statusCode(400).contentType(containsString("application/problem+json"))
                .body(containsString(text.toString())).body(containsString("is not a SQLite database"));
        RestAssured.get("/api/targets/sqlite-missing").then().statusCode(404);

        Path file = database("app.db", 2000);
        try (Connection c = open(file); Statement st = c.createStatement()) {
            st.execute("ANALYZE");
        }
        register(TARGET, file).statusCode(anyOf(equalTo(200), equalTo(201)))
                .body("check.server_version", startsWith("SQLite 3."));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<MetricPoint> current = latest.current(TARGET);
            assertEquals(1.0, value(current, "sqlite_up", null));
            assertEquals(4096.0, value(current, "sqlite_page_size_bytes", null));
            assertTrue(value(current, "sqlite_page_count", null) > 500, current.toString());
            assertEquals(1.0, value(current, "sqlite_quick_check_ok", null));
            assertEquals(2000.0, value(current, "sqlite_table_rows_estimate", "items"));
            assertTrue(value(current, "sqlite_object_size_bytes", "items") > 2_000_000);
            assertTrue(value(current, "sqlite_file_size_bytes", null) > 2_000_000);
            assertEquals(1.0, value(current, "sqlite_tables", null));
            assertTrue(value(current, "sqlite_schema_version", null) >= 2, "a table and an index: " + current);
            assertTrue(value(current, "sqlite_freelist_ratio", null) < 0.01, "no deletes yet: " + current);
            assertEquals(0.0, value(current, "sqlite_wal_size_bytes", null), "rollback journal: no -wal file");
            assertTrue(current.stream().anyMatch(p -> p.name().equals("sqlite_journal_mode_info")
                    && "delete".equals(p.labels().get("mode"))), current.toString());
        });
        RestAssured.get("/api/targets/" + TARGET).then().statusCode(200)
                .body("capabilities.collection", equalTo("available"))
                .body("capabilities.health", equalTo("available"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> RestAssured.get("/api/targets/" + TARGET + "/health")
                .then().statusCode(200)
                .body("categories.find { it.category == 'schema_integrity' }.checks.find { it.name == 'quick_check' }.status",
                        equalTo("ok")));
    }

    private static double value(List<MetricPoint> current, String name, String object) {
        return current.stream().filter(p -> p.name().equals(name) && (object == null
                        || object.equals(p.labels().getOrDefault("table", p.labels().get("object")))))
                .mapToDouble(MetricPoint::value).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + (object == null ? "" : "{" + object + "}")));
    }

    /** Shipped thresholds: 16,000 of 20,000 rows of 1 KiB deleted (about 80 % of the pages free, 16 MiB). */
    @Test
    @Order(2)
    void aFragmentedFile() throws Exception {
        Path file = DIR.resolve("app.db");
        try (Connection c = open(file); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (body) VALUES (randomblob(1024))")) {
                for (int i = 0; i < 18000; i++) {
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
        LifecycleDriver d = driver(shipped("sqlite_freelist_high"));
        try (Connection c = open(file); Statement st = c.createStatement()) {
            st.execute("DELETE FROM items WHERE id % 5 <> 0");
        }
        LifecycleDriver.Published p = awaitOpened(TARGET, d, "sqlite_freelist_high", o -> true);
        assertTrue(p.record().value() > 0.5, p.record().evidence().toString());
        assertEquals(Severity.CRITICAL, p.record().severity());
    }

    /**
     * Shipped thresholds: one 80 MiB transaction in WAL mode leaves a write-ahead log above 64 MiB; then a truncating
     * checkpoint and a write move the log's checkpoint sequence on by one.
     */
    @Test
    @Order(3)
    void aLargeWriteAheadLog() throws Exception {
        Path file = DIR.resolve("app.db");
        LifecycleDriver d = driver(shipped("sqlite_wal_large"));
        try (Connection c = open(file); Statement st = c.createStatement();
             java.sql.ResultSet mode = st.executeQuery("PRAGMA journal_mode = WAL")) {
            mode.next();
            assertEquals("wal", mode.getString(1));
        }
        try (Connection c = open(file)) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO items (body) VALUES (randomblob(1024))")) {
                for (int i = 0; i < 80_000; i++) {
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
            LifecycleDriver.Published p = awaitOpened(TARGET, d, "sqlite_wal_large", o -> true);
            assertTrue(p.record().value() > 64 * 1024 * 1024, p.record().evidence().toString());
            assertEquals(1.0, value(latest.current(TARGET), "sqlite_wal_enabled", null));
            // a checkpoint that resets the log (TRUNCATE), then a write: the log's header counts one more checkpoint
            // (while the writer stays connected: the last connection to close would checkpoint and delete the log)
            double before = nextValue(TARGET, "sqlite_wal_checkpoint_sequence");
            try (Connection k = open(file); Statement st = k.createStatement()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    try (java.sql.ResultSet r = st.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                        return r.next() && r.getInt(1) == 0; // 1: busy (a reader, e.g. the collector's cycle)
                    }
                });
                st.execute("INSERT INTO items (body) VALUES (randomblob(10))");
            }
            assertEquals(before + 1, nextValue(TARGET, "sqlite_wal_checkpoint_sequence"), "one checkpoint reset the log");
        }
    }

    /**
     * The disk-space rule scaled to this machine: the free share of the file's filesystem now, times 2, is the warning
     * bound (shipped: 10 %), so the rule opens on the real ratio; comparison and severity order are the shipped ones.
     */
    @Test
    @Order(4)
    void littleFreeSpaceOnTheFilesFilesystem() throws Exception {
        double free = nextValue(TARGET, "sqlite_filesystem_free_bytes") / nextValue(TARGET, "sqlite_filesystem_size_bytes");
        LifecycleDriver d = driver(scaled("sqlite_disk_nearly_full", free * 2 / 0.1, 1));
        LifecycleDriver.Published p = awaitOpened(TARGET, d, "sqlite_disk_nearly_full", o -> true);
        assertTrue(p.record().value() < free * 2, p.record().evidence().toString());
    }

    /** A last successful backup of the file 26 h old, as the automation service publishes it, opens the rule. */
    @Test
    @Order(5)
    void anOldLastBackup() throws Exception {
        LifecycleDriver d = driver(shipped("sqlite_backup_stale"));
        Instant old = Instant.now().minus(Duration.ofHours(26));
        try (OperationEvents events = new OperationEvents(kafka.bootstrapServers())) {
            events.publish(OperationEvents.backup(TARGET, OperationState.SUCCEEDED, old));
        }
        LifecycleDriver.Published p = awaitOpened(TARGET, d, "sqlite_backup_stale", o -> true);
        assertEquals(Severity.WARNING, p.record().severity());
        assertTrue(p.record().value() > 26 * 3600 - 60, p.record().evidence().toString());
    }

    /** A failed backup of the file, as the automation service publishes it, opens the rule. */
    @Test
    @Order(9)
    void aFailedBackup() throws Exception {
        LifecycleDriver d = driver(shipped("sqlite_backup_failed"));
        try (OperationEvents events = new OperationEvents(kafka.bootstrapServers())) {
            events.publish(OperationEvents.backup(TARGET, OperationState.FAILED, Instant.now()));
        }
        LifecycleDriver.Published p = awaitOpened(TARGET, d, "sqlite_backup_failed", o -> true);
        assertEquals(Severity.WARNING, p.record().severity());
        assertEquals("investigate", p.record().suggestedAction());
    }

    /**
     * A file with table and index pages overwritten: quick_check reports corruption, the shipped rule opens
     * (emergency), and the service itself publishes that emergency anomaly on the broker (the rule's {@code for} is 0).
     */
    @Test
    @Order(6)
    void aCorruptedFile() throws Exception {
        Path broken = database("broken.db", 3000);
        try (RandomAccessFile raf = new RandomAccessFile(broken.toFile(), "rw")) {
            byte[] junk = new byte[4096];
            java.util.Arrays.fill(junk, (byte) 0x5a);
            for (long page : new long[] {5, 40, 200}) { // b-tree pages of the table and its index, not page 1
                raf.seek(page * 4096);
                raf.write(junk);
            }
        }
        String id = "sqlite-corrupt"; // not "broken": the test profile has a target of that name
        try (io.dbautopilot.performance.detect.AnomalyEvents events =
                     new io.dbautopilot.performance.detect.AnomalyEvents(kafka.bootstrapServers())) {
            register(id, broken).statusCode(anyOf(equalTo(200), equalTo(201)));
            await().atMost(Duration.ofSeconds(30)).until(() -> latest.current(id).stream()
                    .anyMatch(p -> p.name().equals("sqlite_quick_check_ok")));
            LifecycleDriver d = new LifecycleDriver(id, List.of(shipped("sqlite_integrity_failed")));
            d.familyOf = families::familyOf;
            LifecycleDriver.Published p = awaitOpened(id, d, "sqlite_integrity_failed", o -> true);
            assertEquals(Severity.EMERGENCY, p.record().severity());
            assertTrue(value(latest.current(id), "sqlite_quick_check_problems", null) >= 1);
            io.dbautopilot.model.AnomalyEvent published = events.await(30, "sqlite_integrity_failed opened by the service",
                    r -> id.equals(r.key()) && r.event().detector().equals("sqlite_integrity_failed")
                            && r.event().state() == AnomalyState.OPENED).event();
            assertEquals(Severity.EMERGENCY, published.severity(), published.toString());
        } finally {
            RestAssured.delete("/api/targets/" + id);
        }
    }

    /**
     * Shipped thresholds: the file is moved away ({@code sqlite_up} 0; the service publishes {@code sqlite_down}
     * within its 2 cycles), then back (up again without a restart, and the service resolves the anomaly).
     */
    @Test
    @Order(7)
    void aMissingFileIsDownAndComesBack() throws Exception {
        Path file = DIR.resolve("app.db");
        Path aside = DIR.resolve("app.db.aside");
        LifecycleDriver d = driver(shipped("sqlite_down"));
        try (io.dbautopilot.performance.detect.AnomalyEvents events =
                     new io.dbautopilot.performance.detect.AnomalyEvents(kafka.bootstrapServers())) {
            io.dbautopilot.model.AnomalyEvent opened;
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            try {
                LifecycleDriver.Published down = awaitOpened(TARGET, d, "sqlite_down", o -> true);
                assertEquals(Severity.CRITICAL, down.record().severity());
                assertEquals(0.0, down.record().value(), down.record().evidence().toString());
                opened = events.await(30, "sqlite_down opened by the service", r -> TARGET.equals(r.key())
                        && r.event().detector().equals("sqlite_down") && r.event().state() == AnomalyState.OPENED).event();
            } finally {
                Files.move(aside, file, StandardCopyOption.ATOMIC_MOVE);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> nextValue(TARGET, "sqlite_up") == 1);
            events.await(30, "sqlite_down resolved by the service", r -> r.event().fingerprint().equals(opened.fingerprint())
                    && r.event().state() == AnomalyState.RESOLVED);
        }
    }
}
