package io.dbautopilot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.localstack.demo.DemoWorkload;
import io.dbautopilot.testing.HeadlessChromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's run command with its demo: {@code SKIP_BUILD=1 deploy/run-local.sh} started as a user starts it (on
 * free ports), then checked from outside: the demo migrations listed by the automation service and applied by its
 * policy, the partitioned {@code events} table kept ahead (and its old partition detached) by the partition upkeep, the
 * backup schedule and a first backup with the configured engine, the same backups and migrations on
 * performance-service's dashboard panels (read with the viewer key the stack passes), the built-in workload seen by
 * {@code pg_stat_statements} and moving {@code xact_commit}, and the closed loop: the workload's churn opens
 * {@code dead_tuples} and the policy vacuums the table (a few minutes).
 */
class LocalStackDemoTest {

    private static final Duration START = Duration.ofSeconds(300);
    private static final String VIEWER_KEY = "local-viewer-key";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern JDBC_URL = Pattern.compile("PostgreSQL\\s+(jdbc:postgresql://\\S+/demo)");

    static Process stack;
    static Path output;
    static int automationPort;
    static int performancePort;
    static String demoUrl;

    @BeforeAll
    static void start() throws Exception {
        for (String service : Repo.SERVICES) {
            Repo.quarkusApp(service); // fails naming the build step when a service is not packaged
        }
        Path logs = Repo.path("deploy/checks/target/stack-logs");
        Files.createDirectories(logs);
        output = logs.resolve("run-local.log");
        automationPort = ComposeLikeStack.freePort();
        performancePort = ComposeLikeStack.freePort();
        ProcessBuilder pb = new ProcessBuilder(Repo.path("deploy/run-local.sh").toString())
                .directory(Repo.root().toFile()).redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().put("SKIP_BUILD", "1");
        pb.environment().put("PERFORMANCE_PORT", String.valueOf(performancePort));
        pb.environment().put("AUTOMATION_PORT", String.valueOf(automationPort));
        stack = pb.start();
        Runtime.getRuntime().addShutdownHook(new Thread(LocalStackDemoTest::stopQuietly));
        await().atMost(START).pollInterval(Duration.ofSeconds(1)).until(() -> {
            assertTrue(stack.isAlive(), () -> "deploy/run-local.sh exited with " + stack.exitValue() + ":\n" + output());
            return output().contains("Demo workload");
        });
        Matcher m = JDBC_URL.matcher(output());
        assertTrue(m.find(), () -> "the stack prints the demo's JDBC URL:\n" + output());
        demoUrl = m.group(1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.destroy(); // SIGTERM: the stack stops the workload, both services and every server
            if (!stack.waitFor(90, TimeUnit.SECONDS)) {
                stack.destroyForcibly();
                throw new AssertionError("the stack did not stop within 90 s of SIGTERM:\n" + output());
            }
            assertTrue(output().contains("Stopped: no process or temporary directory left behind."), output());
        }
    }

    private static void stopQuietly() {
        if (stack != null && stack.isAlive()) {
            stack.destroy();
        }
    }

    @Test
    void theDemoMigrationsAreListedAndAppliedByThePolicy() throws Exception {
        JsonNode first = get("/api/migrations?database=demo");
        assertEquals(List.of("1", "2", "3", "4"), versions(first), "the four demo migrations are listed: " + first);
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Map<String, String> status = new TreeMap<>();
            for (JsonNode mi : get("/api/migrations?database=demo")) {
                if (!mi.path("version").isNull()) { // Flyway's schema-creation row has no version
                    status.put(mi.get("version").asText(), mi.get("status").asText());
                }
            }
            assertEquals(Map.of("1", "completed", "2", "completed", "3", "completed", "4", "completed"), status,
                    "applied through the pending-migration check (policy auto)");
        });
        for (JsonNode mi : get("/api/migrations?database=demo")) {
            if (mi.path("version").isNull()) {
                continue;
            }
            assertEquals(mi.get("version").asText().equals("4"), mi.get("rollback_available").asBoolean(),
                    "only V4 has an undo script: " + mi);
        }
        List<String> rules = new ArrayList<>();
        for (JsonNode op : get("/api/operations?database=demo&type=migrate&status=succeeded")) {
            rules.add(op.path("rule").asText() + " " + op.path("requested_by").asText());
        }
        assertTrue(rules.stream().anyMatch(r -> r.startsWith("migrations-pending")),
                "a migrate operation of the policy rule migrations-pending applied them: " + rules);
        try (Connection c = demo()) {
            assertEquals(1, count(c, "SELECT count(*) FROM pg_indexes WHERE indexname = 'orders_created_at_idx'"), "V3 built its index");
            assertEquals(1, count(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'app' AND tablename = 'order_notes'"),
                    "V4 created its table");
        }
    }

    @Test
    void thePartitionUpkeepKeepsEventsAheadAndDetachesTheOldPartition() {
        String attached = "SELECT count(*) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                + "WHERE i.inhparent = 'public.events'::regclass AND (regexp_match(pg_get_expr(c.relpartbound, c.oid), "
                + "'%s \\(''([^'']+)''\\)'))[1]::timestamptz %s";
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            try (Connection c = demo()) {
                long ahead = count(c, String.format(attached, "FROM", "> now()"));
                long current = count(c, String.format(attached, "FROM", "<= now()") + " AND (regexp_match(pg_get_expr("
                        + "c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz > now()");
                long old = count(c, String.format(attached, "TO", "< now() - interval '7 days'"));
                assertEquals(List.of(1L, 3L, 0L), List.of(current, ahead, old),
                        "partitions of public.events: [covering now, starting later (premake 3), beyond retention 7d]");
            }
        });
    }

    @Test
    void theDemoHasABackupScheduleAndAFirstBackupOfItsEngine() throws Exception {
        String log = Files.readString(Repo.path("deploy/local-stack/target/logs/database-automation-service.log"));
        assertTrue(log.contains("Backup schedule of demo: full at '0 0/30 * * * ?'"), "the schedule is registered");
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
            JsonNode backups = get("/api/backups?database=demo&type=full&status=completed");
            assertTrue(backups.size() > 0, "the first full backup the stack requests (no engine named): " + backups);
            assertEquals("pg_basebackup", backups.get(0).get("engine").asText(), backups.get(0).toString());
        });
    }

    @Test
    void theDashboardPanelsShowTheAutomationServicesBackupsAndMigrations() throws Exception {
        // the stack gives performance-service the automation service's viewer key (autopilot.dashboard.automation-key)
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
            JsonNode own = line(get("/api/backups/overview?database=demo"), "demo");
            assertTrue(own.has("last_backup"), "the automation service has a completed backup of demo: " + own);
            JsonNode panel = get(performancePort, "/api/automation/backups");
            assertTrue(panel.path("available").asBoolean(), panel.toString());
            JsonNode shown = line(panel.path("items"), "demo");
            // (pg_basebackup first; the pre-migration pg_dump of each applied migration follows)
            assertEquals(own.path("last_backup").path("backup_id"), shown.path("last_backup").path("backup_id"),
                    "the same last backup: " + shown);
            assertEquals(own.path("last_backup").path("engine"), shown.path("last_backup").path("engine"), shown.toString());
            assertEquals(own.path("rpo_seconds"), shown.path("rpo_seconds"), shown.toString());
            assertEquals(own.path("schedules"), shown.path("schedules"), shown.toString());
        });
        // the migrations are applied by policy meanwhile: equal once both read the same state
        await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
            JsonNode panel = get(performancePort, "/api/automation/migrations");
            assertTrue(panel.path("available").asBoolean(), panel.toString());
            JsonNode own = get("/api/migrations");
            assertTrue(own.size() >= 4, own.toString());
            assertEquals(own, panel.path("items"), "performance-service shows the automation service's answer");
        });
        // and the dashboard draws them, in a real headless Chromium with the viewer key the stack prints
        try (HeadlessChromium browser = HeadlessChromium.launch()) {
            browser.navigate("http://127.0.0.1:" + performancePort + "/");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> browser.evaluate(
                    "!document.getElementById('key-form').hidden").asBoolean());
            browser.evaluate("(() => { document.getElementById('api-key').value = '" + VIEWER_KEY + "';"
                    + " document.getElementById('key-form').requestSubmit(); return true; })()");
            String backup = "document.querySelector('#backups tr[data-database=\"demo\"] [data-role=\"last-backup\"]')";
            String migration = "document.querySelector('#migrations tr[data-database=\"demo\"]')";
            // (the page re-reads both every 15 s; while the policy applies the demo migrations, each with a backup
            // before it, the last backup and the current version move: wait until the page shows where they end)
            await().atMost(Duration.ofSeconds(240)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                JsonNode last = line(get("/api/backups/overview?database=demo"), "demo").path("last_backup");
                assertEquals(last.path("backup_id").asText(), browser.evaluate(backup + " && " + backup
                        + ".dataset.backup").asText(), "the automation service's last backup of demo in the backups panel");
                String text = browser.evaluate("(" + backup + " || {}).textContent").asText();
                assertTrue(text.contains(last.path("engine").asText()) && text.contains("completed"), text);
                assertEquals("4", browser.evaluate(migration + " && " + migration
                        + ".querySelector('[data-role=\"current\"]').textContent").asText(), "demo's current version");
            });
            assertEquals("0", browser.evaluate(migration + ".querySelector('[data-role=\"pending\"]').textContent").asText());
            assertEquals("none", browser.evaluate(migration + ".querySelector('[data-role=\"failed\"]').textContent").asText());
            browser.screenshot(Repo.path("deploy/checks/target/dashboard-automation-panels.png"));
            assertEquals(List.of(), browser.consoleErrors(), "no script errors in the page");
        }
    }

    @Test
    void aPerTargetStopShowsOnTheDashboardWithItsTargetAndReasonThroughTheViewerKey() throws Exception {
        // a target the demo does not use, so the loop of 'demo' goes on; the stack gives performance-service the key
        String target = "banner-probe";
        String reason = "probe of the banner " + System.nanoTime();
        HttpResponse<String> stopped = send("POST", "/api/emergency-stop",
                "{\"target\": \"" + target + "\", \"reason\": \"" + reason + "\"}");
        assertEquals(200, stopped.statusCode(), stopped.body());
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                JsonNode shown = get(performancePort, "/api/automation/emergency-stop");
                assertEquals("active", shown.path("state").asText(), shown.toString());
                assertEquals(false, shown.path("global").asBoolean(true), shown.toString());
                assertEquals(List.of(target), Repo.JSON.convertValue(shown.path("targets"), List.class), shown.toString());
                assertEquals(1, shown.path("target_count").asInt(), shown.toString());
                assertEquals(target + ": " + reason, shown.path("reasons").asText(), shown.toString());
            });
        } finally {
            assertEquals(200, send("DELETE", "/api/emergency-stop?target=" + target, null).statusCode());
        }
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() ->
                get(performancePort, "/api/automation/emergency-stop").path("state").asText().equals("inactive"));
    }

    /** A call to the automation service with the local stack's operator key. */
    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + automationPort + path))
                .header("X-API-Key", "local-operator-key").header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void pgStatStatementsSeesTheWorkload() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            try (Connection c = demo()) {
                long inserts = count(c, "SELECT coalesce(sum(calls), 0) FROM pg_stat_statements s JOIN pg_database d "
                        + "ON d.oid = s.dbid WHERE d.datname = 'demo' AND s.query LIKE '" + DemoWorkload.TAG
                        + " INSERT INTO orders%'");
                long slow = count(c, "SELECT count(*) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
                        + "WHERE d.datname = 'demo' AND s.query LIKE '" + DemoWorkload.TAG + "%pg_sleep%' "
                        + "AND s.calls > 0 AND s.mean_exec_time >= 1000");
                assertTrue(inserts > 0, "the workload's order inserts in pg_stat_statements");
                assertEquals(1, slow, "the workload's slow report (mean >= 1 s) in pg_stat_statements");
            }
        });
    }

    @Test
    void theWorkloadMovesXactCommit() throws Exception {
        String commits = "SELECT xact_commit FROM pg_stat_database WHERE datname = 'demo'";
        String workloadCalls = "SELECT coalesce(sum(s.calls), 0) FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid "
                + "WHERE d.datname = 'demo' AND s.query LIKE '" + DemoWorkload.TAG + "%'";
        long commits0;
        long calls0;
        try (Connection c = demo()) {
            commits0 = count(c, commits);
            calls0 = count(c, workloadCalls);
        }
        long t0 = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            try (Connection c = demo()) {
                long calls = count(c, workloadCalls) - calls0;
                long committed = count(c, commits) - commits0;
                double seconds = (System.nanoTime() - t0) / 1e9;
                assertTrue(seconds >= 10, "measured over 10 s at least");
                assertTrue(calls >= 2 * seconds, "the workload runs at least 2 statements/s: " + calls + " in " + seconds + " s");
                assertTrue(committed >= calls, "each workload statement commits: xact_commit +" + committed
                        + " for " + calls + " workload statements");
            }
        });
    }

    @Test
    void theChurnOpensDeadTuplesAndThePolicyVacuumsStock() throws Exception {
        // ~100 dead tuples/s: past dead_tuples' 10,000 in under two minutes, then its 'for: 2m', then the VACUUM
        await().atMost(Duration.ofSeconds(480)).pollInterval(Duration.ofSeconds(5)).untilAsserted(() -> {
            List<String> vacuums = new ArrayList<>();
            for (JsonNode op : get("/api/operations?database=demo&type=vacuum&status=succeeded")) {
                vacuums.add(op.path("object").asText() + " " + op.path("rule").asText());
            }
            assertTrue(vacuums.stream().anyMatch(v -> v.matches("demo\\.public\\.stock dead-tuples.*")),
                    "a VACUUM of stock by a dead-tuples rule, from the anomaly the churn opened: " + vacuums);
        });
        try (Connection c = demo()) {
            assertEquals(1, count(c, "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'stock' AND vacuum_count > 0"),
                    "stock was vacuumed by the service (a VACUUM statement, not autovacuum)");
        }
    }

    private static List<String> versions(JsonNode migrations) {
        List<String> v = new ArrayList<>();
        migrations.forEach(mi -> {
            if (!mi.path("version").isNull()) {
                v.add(mi.get("version").asText());
            }
        });
        return v;
    }

    private static JsonNode line(JsonNode lines, String database) {
        for (JsonNode l : lines) {
            if (l.path("database").asText().equals(database)) {
                return l;
            }
        }
        throw new AssertionError("no line of " + database + ": " + lines);
    }

    private static JsonNode get(String path) throws Exception {
        return get(automationPort, path);
    }

    private static JsonNode get(int port, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-API-Key", VIEWER_KEY).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return Repo.JSON.readTree(r.body());
    }

    private static Connection demo() throws SQLException {
        return DriverManager.getConnection(demoUrl, "postgres", "postgres");
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String output() {
        try {
            return Files.readString(output);
        } catch (Exception e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
