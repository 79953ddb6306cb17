package io.dbautopilot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dbautopilot.deploy.DrillFollower.Condition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dbautopilot.localstack.mariadb.MariaDbBinaries;
import io.dbautopilot.localstack.mariadb.ThrowawayMariaDb;
import io.dbautopilot.localstack.redis.RedisBinaries;
import io.dbautopilot.localstack.redis.ThrowawayRedis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.dbautopilot.deploy.ReliabilitySuiteTest.AUTOMATION;
import static io.dbautopilot.deploy.ReliabilitySuiteTest.PERF;

/**
 * Issue 19's scenario 10 for the other engines: real conditions made in a throwaway MariaDB, a SQLite file and a
 * throwaway Redis, registered through {@code POST /api/targets} while the drill runs, each followed through the normal
 * path only (performance-service collects, its rule opens an anomaly, the automation service's policy requests the
 * operation, which succeeds with its verified effect) until the condition is gone when checked directly; timed from the
 * moment the condition exists. Thresholds and waits are lowered by configuration only (docs/reliability.md): the
 * engines' rules files of performance-service and the drill's policy file.
 */
final class EngineDrill implements AutoCloseable {

    static final String MARIA = "rel-maria";
    static final String SQLITE = "rel-sqlite";
    static final String REDIS = "rel-redis";
    static final String MARIA_PASSWORD_ENV = "REL_MARIA_PASSWORD";
    static final String REDIS_PASSWORD_ENV = "REL_REDIS_PASSWORD";
    private static final Duration PATIENCE = Duration.ofMinutes(4);
    private static final List<String> FINAL = List.of("succeeded", "failed", "cancelled");
    /** maxclients of the drill's Redis: the idle clients bring it near (shipped rule: 80 % of maxclients). */
    private static final int REDIS_MAXCLIENTS = 40;
    private static final int REDIS_IDLE_CLIENTS = 34;

    final ThrowawayMariaDb maria;
    final ThrowawayRedis redis;
    final Path sqliteFile;
    private final Path work;

    private EngineDrill(ThrowawayMariaDb maria, ThrowawayRedis redis, Path work) {
        this.maria = maria;
        this.redis = redis;
        this.work = work;
        this.sqliteFile = work.resolve("drill-sqlite").resolve("drill.db");
    }

    /** Starts the drill's MariaDB and Redis and writes the engines' rules files (before the services start). */
    static EngineDrill launch(Path work) throws Exception {
        ThrowawayMariaDb maria = ThrowawayMariaDb.launch(MariaDbBinaries.locate());
        ThrowawayRedis redis;
        try {
            redis = ThrowawayRedis.launch(RedisBinaries.locate());
        } catch (RuntimeException e) {
            maria.close();
            throw e;
        }
        EngineDrill drill = new EngineDrill(maria, redis, work);
        Files.createDirectories(drill.sqliteFile.getParent());
        drill.writeRules();
        return drill;
    }

    /** Secrets of the drill's targets, by the {@code env:} names their {@code credentials_ref} carry. */
    Map<String, String> environment() {
        return Map.of(MARIA_PASSWORD_ENV, maria.password(), REDIS_PASSWORD_ENV, redis.password());
    }

    /** performance-service's settings: the engines' rules files with the drill's rules. */
    List<String> performanceSettings() {
        return List.of("-Dautopilot.detection.mysql-rules-file=" + rulesFile("mysql"),
                "-Dautopilot.detection.sqlite-rules-file=" + rulesFile("sqlite"),
                "-Dautopilot.detection.redis-rules-file=" + rulesFile("redis"));
    }

    private Path rulesFile(String engine) {
        return work.resolve("drill-" + engine + "-rules.yaml");
    }

    /**
     * The shipped rules of each engine with the drill's rules changed: no waiting ({@code for: 0s}), lower thresholds
     * where the shipped ones need hours or hundreds of MB, limited to the drill's objects by labels; and a
     * Redis {@code backup_stale} of 20 s instead of the shipped 25 h, matched by the policy's backup-stale.
     */
    private void writeRules() throws Exception {
        ObjectNode mysql = shipped("mysql");
        ObjectNode frag = rule(mysql, "mysql_table_fragmentation");
        frag.set("labels", Repo.JSON.createObjectNode().put("component", "data_free").put("table", "drill_frag"));
        frag.set("thresholds", Repo.JSON.createObjectNode().put("warning", 10_485_760));
        ObjectNode sleeping = rule(mysql, "mysql_sleeping_in_transaction");
        sleeping.set("thresholds", Repo.JSON.createObjectNode().put("warning", 5));
        write("mysql", mysql);

        ObjectNode sqlite = shipped("sqlite");
        rule(sqlite, "sqlite_freelist_high");
        write("sqlite", sqlite);

        ObjectNode redisRules = shipped("redis");
        // held 10 s before it opens: the policy ends clients idle for more than 5 s, so by then every one of the drill's
        // is (with for: 0s a fast pipeline ran CLIENT KILL 3.7 s after the clients were made and left the youngest)
        rule(redisRules, "redis_clients_near_max").put("for", "10s");
        ObjectNode stale = rule(redisRules, "backup_stale");
        stale.set("thresholds", Repo.JSON.createObjectNode().put("warning", 20));
        stale.put("description", "the drill's: no backup of the Redis target succeeded in the last 20 s");
        write("redis", redisRules);
    }

    private static ObjectNode shipped(String engine) throws Exception {
        return (ObjectNode) Repo.YAML.readTree(Repo.path("performance-service/src/main/resources/rules/" + engine
                + "-rules.yaml").toFile());
    }

    private static ObjectNode rule(ObjectNode file, String name) {
        JsonNode rule = file.path("rules").path(name);
        if (!(rule instanceof ObjectNode r)) {
            throw new IllegalStateException("the shipped rules changed: no rule " + name);
        }
        return fast(r);
    }

    private static ObjectNode fast(ObjectNode rule) {
        rule.put("for", "0s");
        rule.put("cooldown", "10m");
        rule.remove("overrides");
        return rule;
    }

    private void write(String engine, ObjectNode rules) throws IOException {
        Files.writeString(rulesFile(engine), Repo.YAML.writeValueAsString(rules), StandardCharsets.UTF_8);
    }

    /**
     * The drill's policy file (written by {@link ClosedLoopDrill#prepare}) with the engines' rules changed: OPTIMIZE
     * TABLE and VACUUM of a SQLite file at once (shipped: window), sessions sleeping in a transaction killed after
     * 5 s (shipped: 10 min), idle Redis clients killed at once after 5 s idle (shipped: approval, 30 min).
     */
    static void policy(Path work) throws IOException {
        Path file = work.resolve("drill-policy.yaml");
        String p = Files.readString(file);
        p = replaceOnce(p, "match: { rule: mysql_table_fragmentation }\n    operation: optimize\n    mode: window",
                "match: { rule: mysql_table_fragmentation }\n    operation: optimize\n    mode: auto");
        p = replaceOnce(p, "match: { rule: mysql_sleeping_in_transaction }\n    operation: terminate_idle\n    mode: auto\n"
                + "    limit: 10m", "match: { rule: mysql_sleeping_in_transaction }\n    operation: terminate_idle\n"
                + "    mode: auto\n    limit: 5s");
        p = replaceOnce(p, "match: { rule: redis_clients_near_max }\n    operation: terminate_idle\n    mode: approval\n"
                + "    limit: 30m", "match: { rule: redis_clients_near_max }\n    operation: terminate_idle\n"
                + "    mode: auto\n    limit: 5s");
        p = replaceOnce(p, "match: { rule: sqlite_freelist_high }\n    operation: vacuum\n    mode: window",
                "match: { rule: sqlite_freelist_high }\n    operation: vacuum\n    mode: auto");
        Files.writeString(file, p, StandardCharsets.UTF_8);
    }

    private static String replaceOnce(String text, String old, String replacement) {
        if (!text.contains(old)) {
            throw new IllegalStateException("the shipped policy changed: '" + old + "' not found");
        }
        return text.replace(old, replacement);
    }

    /** Registers the three targets, makes the conditions one after another and follows each until remediated. */
    void run(ReliabilityReport report) throws Exception {
        Instant drillStart = Instant.now();
        // the SQLite file must exist before its registration (performance-service refuses a missing file)
        try (Connection c = sqlite(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE drill_items (id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
        }
        register(MARIA, "mariadb", "mariadb://" + maria.host() + ":" + maria.port() + "/" + maria.database(),
                "\"username\": \"" + maria.user() + "\", \"credentials_ref\": \"env:" + MARIA_PASSWORD_ENV + "\",",
                "{\"tables\": \"5s\", \"processlist\": \"5s\"}");
        register(SQLITE, "sqlite", "sqlite://" + sqliteFile, "", "{\"pragmas\": \"5s\"}");
        register(REDIS, "redis", "redis://" + redis.host() + ":" + redis.port() + "/0",
                "\"credentials_ref\": \"env:" + REDIS_PASSWORD_ENV + "\",", "{}");
        for (String id : List.of(MARIA, SQLITE, REDIS)) {
            ReliabilitySuiteTest.await(id + " collected", () -> ReliabilitySuiteTest.topics.snapshotTimes(id).isEmpty()
                    ? null : true);
            ReliabilitySuiteTest.await(id + " managed by the automation service", () -> {
                JsonNode db = ReliabilitySuiteTest.byId(ReliabilitySuiteTest.get(AUTOMATION, "/api/databases"), id);
                return db != null && "reachable".equals(db.path("status").asText()) ? true : null;
            });
        }

        // Redis: a backup the automation service ran, whose age then passes the drill's 20 s threshold
        String firstBackup = firstBackup();
        Instant backedUp = Instant.parse(ReliabilitySuiteTest.get(AUTOMATION, "/api/operations/" + firstBackup)
                .path("finished_at").asText());

        Map<Condition, Instant> made = new LinkedHashMap<>();
        List<AutoCloseable> held = new ArrayList<>();
        try {
            // MariaDB: the last 90 % of a 30 MB table deleted; once InnoDB's purge has freed their pages the space
            // stays inside the table's tablespace (data_free), and ANALYZE TABLE brings data_length down to what is used
            maria.execute(maria.database(),
                    "CREATE TABLE drill_frag (id int PRIMARY KEY, pad varchar(2000)) ENGINE=InnoDB",
                    "INSERT INTO drill_frag SELECT seq, REPEAT('x', 1500) FROM seq_1_to_16000",
                    "DELETE FROM drill_frag WHERE id > 1600");
            String dataFreeSql = "SELECT DATA_FREE FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
                    + " AND TABLE_NAME = 'drill_frag'";
            ReliabilitySuiteTest.await("InnoDB's purge of drill_frag's deleted rows (data_free over 16 MB)",
                    () -> mariaScalar(dataFreeSql) > 16_000_000 ? true : null);
            maria.execute(maria.database(), "ANALYZE TABLE drill_frag");
            long dataFree = mariaScalar(dataFreeSql);
            made.put(new Condition(MARIA, String.format("MariaDB fragmentation (drill_frag: data_free %.1f MB after 90 %%"
                            + " of its rows deleted)", dataFree / 1e6), "optimize", "drill_frag",
                    () -> mariaScalar(dataFreeSql) < dataFree / 2 && mariaScalar("SELECT COUNT(*) FROM drill_frag") == 1600),
                    Instant.now());

            // MariaDB: a session sleeping inside an open transaction
            maria.execute(maria.database(), "CREATE TABLE drill_held (id int PRIMARY KEY) ENGINE=InnoDB");
            Connection sleeper = DriverManager.getConnection("jdbc:mariadb://" + maria.host() + ":" + maria.port() + "/"
                    + maria.database(), maria.user(), maria.password());
            held.add(sleeper);
            sleeper.setAutoCommit(false);
            long sessionId;
            try (Statement st = sleeper.createStatement()) {
                st.execute("INSERT INTO drill_held VALUES (1)");
                try (ResultSet rs = st.executeQuery("SELECT CONNECTION_ID()")) {
                    rs.next();
                    sessionId = rs.getLong(1);
                }
            }
            made.put(new Condition(MARIA, "MariaDB session sleeping in a transaction (an uncommitted INSERT)",
                    "terminate_idle", null, () -> mariaScalar("SELECT COUNT(*) FROM information_schema.PROCESSLIST"
                    + " WHERE ID = " + sessionId) == 0 && mariaScalar("SELECT COUNT(*) FROM drill_held") == 0),
                    Instant.now());

            // SQLite: 16 of 20 MB deleted, the pages stay on the freelist
            try (Connection c = sqlite(); Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                st.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)"
                        + " INSERT INTO drill_items (id, body) SELECT i, randomblob(1000) FROM n");
                c.commit();
                st.execute("DELETE FROM drill_items WHERE id % 5 <> 0");
                c.commit();
            }
            long freeBefore = sqliteScalar("PRAGMA freelist_count");
            made.put(new Condition(SQLITE, "SQLite free pages (" + freeBefore + " pages on the freelist after 80 % of"
                    + " the rows deleted)", "vacuum", null, () -> sqliteScalar("PRAGMA freelist_count") < freeBefore / 10
                    && sqliteScalar("SELECT COUNT(*) FROM drill_items") == 4000), Instant.now());

            // Redis: clients near maxclients, idle
            redis.cli("CONFIG", "SET", "maxclients", String.valueOf(REDIS_MAXCLIENTS));
            for (int i = 0; i < REDIS_IDLE_CLIENTS; i++) {
                held.add(idleRedisClient(i));
            }
            made.put(new Condition(REDIS, "Redis clients near maxclients (" + REDIS_IDLE_CLIENTS + " idle of "
                    + REDIS_MAXCLIENTS + ")", "terminate_idle", null,
                    () -> redisInfo("connected_clients") < REDIS_MAXCLIENTS * 0.75), Instant.now());

            // Redis: the backup of before goes stale (its made moment: when its age passed the 20 s)
            made.put(new Condition(REDIS, "Redis backup stale (none succeeded in the last 20 s)", "backup", null,
                    () -> newerRedisBackup(firstBackup)), backedUp.plusSeconds(20).isAfter(Instant.now())
                    ? backedUp.plusSeconds(20) : Instant.now());

            DrillFollower.report(report, DrillFollower.follow(made, drillStart, firstBackup));
            DrillFollower.unsafe(report, "0 unsafe actions on the MariaDB, SQLite and Redis targets (no operation outside"
                    + " the drill's conditions)", made.keySet(), List.of(MARIA, SQLITE, REDIS), drillStart, firstBackup,
                    object -> false);
        } finally {
            for (AutoCloseable c : held) {
                try {
                    c.close();
                } catch (Exception e) {
                    // killed by the drill
                }
            }
            // the scenarios after the drill see the registry as before it
            for (String id : List.of(MARIA, SQLITE, REDIS)) {
                ReliabilitySuiteTest.stack.send(PERF, "DELETE", "/api/targets/" + id, PerformanceInstances.OPERATOR_KEY,
                        null);
            }
        }
    }

    private static void register(String id, String engine, String url, String credentials, String families)
            throws Exception {
        String body = """
                {"id": "%s", "engine": "%s", "url": "%s", %s "labels": {"env": "test", "suite": "reliability"},
                 "collection": {"interval": "5s", "family_intervals": %s}, "trust": "auto"}
                """.formatted(id, engine, url, credentials, families);
        HttpResponse<String> created = ReliabilitySuiteTest.stack.send(PERF, "POST", "/api/targets",
                PerformanceInstances.OPERATOR_KEY, body);
        if (created.statusCode() != 201) {
            throw new AssertionError("could not register " + id + ": " + created.statusCode() + " " + created.body());
        }
    }

    private String firstBackup() throws Exception {
        HttpResponse<String> r = ReliabilitySuiteTest.stack.send(AUTOMATION, "POST", "/api/backups",
                PerformanceInstances.OPERATOR_KEY, "{\"database\": \"" + REDIS + "\", \"engine\": \"redis_rdb\", "
                        + "\"reason\": \"closed-loop drill: the Redis backup that goes stale\"}");
        if (r.statusCode() / 100 != 2) {
            throw new AssertionError("Redis backup request: " + r.statusCode() + " " + r.body());
        }
        JsonNode accepted = Repo.JSON.readTree(r.body());
        String id = accepted.path("id").asText(accepted.path("operation_id").asText());
        JsonNode done = ReliabilitySuiteTest.await("the drill's first Redis backup", () -> {
            JsonNode o = ReliabilitySuiteTest.get(AUTOMATION, "/api/operations/" + id);
            return FINAL.contains(o.path("status").asText()) ? o : null;
        });
        if (!"succeeded".equals(done.path("status").asText())) {
            throw new AssertionError("the drill's first Redis backup did not succeed: " + done);
        }
        return id;
    }

    /** Whether the catalog holds a completed Redis backup other than the drill's first one. */
    private static boolean newerRedisBackup(String firstBackupOperation) throws Exception {
        JsonNode page = ReliabilitySuiteTest.get(AUTOMATION, "/api/backups?database=" + REDIS);
        JsonNode backups = page.isArray() ? page : page.has("items") ? page.get("items") : page.path("backups");
        for (JsonNode b : backups) {
            if ("completed".equals(b.path("status").asText())
                    && !firstBackupOperation.equals(b.path("operation_id").asText())) {
                return true;
            }
        }
        return false;
    }

    /** An authenticated, named Redis client that then sends nothing (a plain socket: the protocol's inline commands). */
    private Socket idleRedisClient(int i) throws IOException {
        Socket s = new Socket(redis.host(), redis.port());
        s.setSoTimeout(10_000);
        OutputStream out = s.getOutputStream();
        InputStream in = s.getInputStream();
        out.write(("AUTH " + redis.password() + "\r\nCLIENT SETNAME drill-idle-" + i + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String replies = readLines(in, 2);
        if (!replies.equals("+OK\r\n+OK\r\n")) {
            s.close();
            throw new IllegalStateException("idle Redis client " + i + ": " + replies);
        }
        return s;
    }

    private static String readLines(InputStream in, int lines) throws IOException {
        StringBuilder b = new StringBuilder();
        int seen = 0;
        while (seen < lines) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            b.append((char) c);
            if (c == '\n') {
                seen++;
            }
        }
        return b.toString();
    }

    private long redisInfo(String field) {
        for (String line : redis.cli("INFO", "clients").lines().toList()) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).strip());
            }
        }
        throw new IllegalStateException("INFO clients has no " + field);
    }

    private Connection sqlite() throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + sqliteFile);
    }

    private long sqliteScalar(String sql) throws Exception {
        try (Connection c = sqlite(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private long mariaScalar(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:mariadb://" + maria.host() + ":" + maria.port() + "/"
                + maria.database(), maria.user(), maria.password());
             Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Override
    public void close() {
        try {
            redis.close();
        } finally {
            maria.close();
        }
    }
}
