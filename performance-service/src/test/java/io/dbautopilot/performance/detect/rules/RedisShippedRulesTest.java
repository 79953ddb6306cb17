package io.dbautopilot.performance.detect.rules;

import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.localstack.quarkus.RedisTestResource;
import io.dbautopilot.localstack.redis.RedisBinaries;
import io.dbautopilot.localstack.redis.RedisServer;
import io.dbautopilot.localstack.redis.ThrowawayRedis;
import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.model.OperationState;
import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.collect.LatestSnapshots;
import io.dbautopilot.performance.collect.redis.RedisTarget;
import io.dbautopilot.performance.operations.OperationEvents;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.redis.client.RedisConnection;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Redis collection and every shipped Redis rule (redis-rules.yaml: metric, guards, thresholds; {@code for} set to 0
 * so a test need not wait minutes) on a real condition created on a throwaway redis-server, evaluated on the
 * service's real current values of the target registered through the API. Where a shipped threshold needs minutes
 * or gigabytes, the test keeps the rule's metric, guards, comparison and severity order and scales the thresholds (or
 * a guard) - the method's comment says by how much - and checks the value the rule saw. The server is stopped and
 * restarted last.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(RedisTestResource.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisShippedRulesTest {

    static final String TARGET = "redis-cache";

    @InjectInfra
    RedisServer redis;

    @InjectInfra
    io.dbautopilot.localstack.kafka.KafkaBroker kafka;

    @Inject
    LatestSnapshots latest;

    @Inject
    MetricFamilies families;

    @Inject
    Vertx vertx;

    @BeforeEach
    void registered() throws Exception {
        RedisTarget.register(TARGET, redis, false).statusCode(anyOf(equalTo(200), equalTo(201)));
    }

    static String shippedText() throws Exception {
        try (InputStream in = RedisShippedRulesTest.class.getClassLoader().getResourceAsStream("rules/redis-rules.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** A shipped Redis rule with {@code for} and cooldown set to 0. */
    static Rule shipped(String name) throws Exception {
        for (Rule r : new RuleLoader(new MetricCatalog()).parse("redis-rules.yaml", shippedText()).forTarget(TARGET)) {
            if (r.name().equals(name)) {
                return new Rule(r.name(), r.expression(), r.labels(), r.guards(), r.comparison(), r.thresholds(),
                        r.resolve(), Duration.ZERO, Duration.ZERO, r.action(), r.object(), r.description(), r.enabled());
            }
        }
        throw new AssertionError("no shipped Redis rule " + name);
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

    private LifecycleDriver driver(String target, Rule... rules) {
        await().atMost(Duration.ofSeconds(60)).until(() -> latest.current(target).stream()
                .anyMatch(p -> p.name().equals("redis_uptime_in_seconds")));
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

    private LifecycleDriver.Published awaitOpened(LifecycleDriver d, String rule) throws InterruptedException {
        return awaitOpened(TARGET, d, rule, o -> true);
    }

    /** The value of a metric in the target's current values after a cycle that started after now. */
    private double nextValue(String target, String metric) {
        Instant since = Instant.now();
        await().atMost(Duration.ofSeconds(30)).until(() -> latest.latest(target)
                .filter(s -> s.collectedAt().isAfter(since)).isPresent());
        return latest.current(target).stream().filter(p -> p.name().equals(metric)).mapToDouble(MetricPoint::value)
                .findFirst().orElseThrow(() -> new AssertionError("no " + metric + " for " + target));
    }

    private RedisConnection admin() {
        return RedisTarget.connect(vertx, redis);
    }

    @Test
    @Order(0)
    void everyShippedRuleIsTestedHereAndThereAreAtLeastFifteen() throws Exception {
        Set<String> names = new TreeSet<>();
        new RuleLoader(new MetricCatalog()).parse("redis-rules.yaml", shippedText()).rules().forEach(r -> names.add(r.name()));
        assertTrue(names.size() >= 15, names.toString());
        String source = Files.readString(Path.of(
                "src/test/java/io/dbautopilot/performance/detect/rules/RedisShippedRulesTest.java"));
        List<String> untested = names.stream().filter(n -> !source.contains("\"" + n + "\"")).toList();
        assertEquals(List.of(), untested, "shipped Redis rules without a test on a real condition");
    }

    /** The target is checked at registration, collected with redis_exporter's names, and scored. */
    @Test
    @Order(1)
    void aRedisTargetIsCheckedCollectedAndScored() throws Exception {
        RedisTarget.register(TARGET, redis, true).statusCode(anyOf(equalTo(200), equalTo(201)))
                .body("check.server_version", startsWith("Redis 7"));
        RedisConnection c = admin();
        try {
            RedisTarget.send(c, "SET", "collected:a", "1");
            RedisTarget.send(c, "SET", "collected:b", "2", "EX", "3600");
            RedisTarget.send(c, "SELECT", "3");
            RedisTarget.send(c, "SET", "collected:c", "3");
        } finally {
            c.close().await().indefinitely();
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<MetricPoint> current = latest.current(TARGET);
            for (String name : List.of("redis_up", "redis_ping_seconds", "redis_memory_used_bytes",
                    "redis_memory_max_bytes", "redis_mem_fragmentation_ratio", "redis_connected_clients",
                    "redis_config_maxclients", "redis_blocked_clients", "redis_evicted_keys_total",
                    "redis_keyspace_hits_total", "redis_keyspace_misses_total", "redis_rdb_last_bgsave_status",
                    "redis_aof_enabled", "redis_aof_last_bgrewrite_status", "redis_connected_slaves",
                    "redis_master_repl_offset", "redis_slowlog_length", "redis_slowlog_last_id",
                    "redis_start_time_seconds", "redis_commands_processed_total", "redis_instance_info")) {
                assertTrue(current.stream().anyMatch(p -> p.name().equals(name)), "no " + name);
            }
            assertEquals(1.0, value(current, "redis_up", "db", null));
            assertTrue(value(current, "redis_db_keys", "db", "db0") >= 2);
            assertEquals(1.0, value(current, "redis_db_keys", "db", "db3"));
            assertTrue(value(current, "redis_db_keys_expiring", "db", "db0") >= 1);
        });
        RestAssured.get("/api/targets/" + TARGET).then().statusCode(200)
                .body("capabilities.collection", equalTo("available"))
                .body("capabilities.detection", equalTo("available"))
                .body("capabilities.health", equalTo("available"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> RestAssured.get("/api/targets/" + TARGET + "/health")
                .then().statusCode(200)
                .body("categories.find { it.category == 'connectivity' }.checks.find { it.name == 'target_up' }.status",
                        equalTo("ok"))
                .body("categories.find { it.category == 'storage' }.checks.find { it.name == 'rdb_last_bgsave' }.status",
                        equalTo("ok"))
                .body("categories.find { it.category == 'schema_integrity' }.status", equalTo("unknown")));
    }

    private static double value(List<MetricPoint> current, String name, String label, String labelValue) {
        return current.stream().filter(p -> p.name().equals(name)
                        && (label == null || labelValue == null || labelValue.equals(p.labels().get(label))))
                .mapToDouble(MetricPoint::value).findFirst().orElseThrow(() -> new AssertionError("no " + name
                        + (labelValue == null ? "" : "{" + label + "=" + labelValue + "}")));
    }

    /** Shipped thresholds: an evicting policy without maxmemory (a cache that grows without bound). */
    @Test
    @Order(2)
    void anEvictingPolicyWithoutMaxmemory() throws Exception {
        LifecycleDriver d = driver(TARGET, shipped("redis_no_maxmemory"));
        RedisConnection c = admin();
        try {
            RedisTarget.send(c, "CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
            LifecycleDriver.Published p = awaitOpened(d, "redis_no_maxmemory");
            assertEquals(0.0, p.record().value());
            assertEquals(Severity.WARNING, p.record().severity());
        } finally {
            RedisTarget.send(c, "CONFIG", "SET", "maxmemory-policy", "noeviction");
            c.close().await().indefinitely();
        }
    }

    /**
     * Shipped thresholds: maxmemory set just above what is used (near max, noeviction), then an LRU cache at that
     * limit taking 20,000 more keys (evictions per second far above 1).
     */
    @Test
    @Order(3)
    void memoryNearMaxThenEvictions() throws Exception {
        LifecycleDriver d = driver(TARGET, shipped("redis_memory_near_max"), shipped("redis_evictions"));
        RedisConnection c = admin();
        try {
            RedisTarget.send(c, "EVAL", "for i=1,ARGV[1] do redis.call('SET','fill:'..i,string.rep('x',ARGV[2])) end",
                    "0", "20000", "200");
            long used = RedisTarget.send(c, "MEMORY", "STATS").get("total.allocated").toLong();
            RedisTarget.send(c, "CONFIG", "SET", "maxmemory", String.valueOf((long) (used / 0.97)));
            LifecycleDriver.Published near = awaitOpened(d, "redis_memory_near_max");
            assertTrue(near.record().value() > 0.9, near.record().evidence().toString());
            RedisTarget.send(c, "CONFIG", "SET", "maxmemory-policy", "allkeys-lru");
            RedisTarget.send(c, "EVAL", "for i=1,ARGV[1] do redis.call('SET','more:'..i,string.rep('y',ARGV[2])) end",
                    "0", "20000", "200");
            LifecycleDriver.Published evictions = awaitOpened(d, "redis_evictions");
            assertTrue(evictions.record().value() > 1, evictions.record().evidence().toString());
        } finally {
            RedisTarget.send(c, "CONFIG", "SET", "maxmemory", "0");
            RedisTarget.send(c, "CONFIG", "SET", "maxmemory-policy", "noeviction");
            RedisTarget.send(c, "FLUSHALL");
            c.close().await().indefinitely();
        }
    }

    /**
     * Shipped ratio (1.5), the guard scaled 1/12.5 (100 MiB of fragmentation to 8 MiB, so the test writes 20 MB, not
     * 250): 40,000 values of 500 bytes written, then three of every four deleted - the allocator keeps the pages the
     * survivors sit in.
     */
    @Test
    @Order(4)
    void fragmentationAfterMassDeletes() throws Exception {
        LifecycleDriver d = driver(TARGET, scaled("redis_fragmentation", 1, 0.08));
        RedisConnection c = admin();
        try {
            RedisTarget.send(c, "CONFIG", "SET", "activedefrag", "no");
            RedisTarget.send(c, "EVAL", "for i=1,ARGV[1] do redis.call('SET','frag:'..i,string.rep('z',ARGV[2])) end",
                    "0", "40000", "500");
            RedisTarget.send(c, "EVAL", "for i=1,ARGV[1] do if i % 4 ~= 0 then redis.call('DEL','frag:'..i) end end",
                    "0", "40000");
            LifecycleDriver.Published p = awaitOpened(d, "redis_fragmentation");
            assertTrue(p.record().value() > 1.5, p.record().evidence().toString());
            assertTrue(p.record().evidence().getOrDefault("redis_mem_fragmentation_bytes", 0.0) > 8 * 1024 * 1024,
                    p.record().evidence().toString());
        } finally {
            RedisTarget.send(c, "FLUSHALL");
            c.close().await().indefinitely();
        }
    }

    /** Shipped thresholds: 2,000 lookups of missing keys a second for a few seconds (hit ratio 0, 10+ lookups/s). */
    @Test
    @Order(5)
    void aCacheThatMisses() throws Exception {
        LifecycleDriver d = driver(TARGET, shipped("redis_keyspace_hit_ratio_low"));
        RedisConnection c = admin();
        try {
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            LifecycleDriver.Published p = null;
            while (p == null && System.nanoTime() < until) {
                RedisTarget.send(c, "EVAL", "for i=1,ARGV[1] do redis.call('GET','missing:'..i) end", "0", "2000");
                Thread.sleep(200);
                p = d.published.stream().filter(x -> x.state() == AnomalyState.OPENED
                        && x.record().rule().equals("redis_keyspace_hit_ratio_low")).findFirst().orElse(null);
                if (p == null && latest.latest(TARGET).isPresent()) {
                    d.cycle(latest.current(TARGET), Instant.now());
                }
            }
            assertTrue(p != null, "redis_keyspace_hit_ratio_low did not open; published: " + d.published);
            assertTrue(p.record().value() < 0.5, p.record().evidence().toString());
            assertEquals(Severity.CRITICAL, p.record().severity());
        } finally {
            c.close().await().indefinitely();
        }
    }

    /**
     * Shipped thresholds on a real configuration: maxclients lowered to 10 and filled with idle connections (clients
     * near max), then more connections refused (rejected connections). Blocked clients scaled 1/10 (50 to 5):
     * six clients waiting in BLPOP.
     */
    @Test
    @Order(6)
    void clientsNearMaxRejectedAndBlocked() throws Exception {
        LifecycleDriver d = driver(TARGET, shipped("redis_clients_near_max"), shipped("redis_rejected_connections"),
                scaled("redis_blocked_clients", 0.1, 1));
        RedisConnection c = admin();
        List<RedisConnection> blocked = new ArrayList<>();
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                RedisConnection b = admin();
                blocked.add(b);
                b.send(io.vertx.mutiny.redis.client.Request.cmd(io.vertx.mutiny.redis.client.Command.BLPOP)
                        .arg("never:" + i).arg(30)).subscribe().with(r -> { }, e -> { });
            }
            LifecycleDriver.Published b = awaitOpened(d, "redis_blocked_clients");
            assertTrue(b.record().value() >= 6, b.record().evidence().toString());
            long connected = RedisTarget.send(c, "INFO", "clients").toString().lines()
                    .filter(l -> l.startsWith("connected_clients:")).mapToLong(l -> Long.parseLong(l.substring(18).strip()))
                    .findFirst().orElseThrow();
            long max = connected + 2;
            RedisTarget.send(c, "CONFIG", "SET", "maxclients", String.valueOf(max));
            for (int i = 0; i < 2; i++) {
                idle.add(new Socket(redis.host(), redis.port()));
            }
            LifecycleDriver.Published near = awaitOpened(d, "redis_clients_near_max");
            assertTrue(near.record().value() > 0.8, near.record().evidence().toString());
            for (int i = 0; i < 3; i++) {
                Socket extra = new Socket(redis.host(), redis.port());
                idle.add(extra);
                extra.getInputStream().read(); // the server answers "-ERR max number of clients reached" and closes
            }
            LifecycleDriver.Published rejected = awaitOpened(d, "redis_rejected_connections");
            assertTrue(rejected.record().value() > 0, rejected.record().evidence().toString());
        } finally {
            for (Socket s : idle) {
                s.close();
            }
            RedisTarget.send(c, "CONFIG", "SET", "maxclients", "10000");
            for (RedisConnection b : blocked) {
                b.close().await().indefinitely();
            }
            c.close().await().indefinitely();
        }
    }

    /** Shipped thresholds: every command slow-logged (slowlog-log-slower-than 0): the collector's own, a few per second. */
    @Test
    @Order(7)
    void slowlogGrowth() throws Exception {
        LifecycleDriver d = driver(TARGET, shipped("redis_slowlog_growth"));
        RedisConnection c = admin();
        try {
            RedisTarget.send(c, "CONFIG", "SET", "slowlog-log-slower-than", "0");
            LifecycleDriver.Published p = awaitOpened(d, "redis_slowlog_growth");
            assertTrue(p.record().value() > 0.1, p.record().evidence().toString());
        } finally {
            RedisTarget.send(c, "CONFIG", "SET", "slowlog-log-slower-than", "10000");
            c.close().await().indefinitely();
        }
    }

    /**
     * Shipped thresholds: a BGSAVE whose snapshot cannot be renamed into place (a directory sits where dump.rdb goes),
     * then an append-only file rewrite whose new base file cannot be renamed into place either. The failed snapshot
     * is also the service's own anomaly on the broker, resolved once a snapshot succeeds again.
     */
    @Test
    @Order(8)
    void failingSnapshotAndAofRewrite() throws Exception {
        LifecycleDriver d = driver(TARGET, shipped("redis_bgsave_failed"), shipped("redis_aof_rewrite_failing"));
        Path dir = ((ThrowawayRedis) redis).directory();
        RedisConnection c = admin();
        io.dbautopilot.performance.detect.AnomalyEvents events =
                new io.dbautopilot.performance.detect.AnomalyEvents(kafka.bootstrapServers());
        io.dbautopilot.model.AnomalyEvent failedSave;
        try {
            Files.createDirectories(dir.resolve("dump.rdb").resolve("in-the-way"));
            RedisTarget.send(c, "BGSAVE");
            LifecycleDriver.Published bgsave = awaitOpened(d, "redis_bgsave_failed");
            assertEquals(Severity.CRITICAL, bgsave.record().severity());
            // the shipped rule's for is 0: the service itself opens the anomaly on the broker
            failedSave = events.await(30, "redis_bgsave_failed opened by the service", r -> TARGET.equals(r.key())
                    && r.event().detector().equals("redis_bgsave_failed") && r.event().state() == AnomalyState.OPENED)
                    .event();
            assertEquals(Severity.CRITICAL, failedSave.severity());

            RedisTarget.send(c, "CONFIG", "SET", "appendonly", "yes");
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                String persistence = RedisTarget.send(c, "INFO", "persistence").toString();
                return persistence.contains("aof_rewrite_in_progress:0") && persistence.contains("aof_rewrite_scheduled:0")
                        && Files.exists(dir.resolve("appendonlydir").resolve("appendonly.aof.manifest"));
            });
            String manifest = Files.readString(dir.resolve("appendonlydir").resolve("appendonly.aof.manifest"));
            int base = manifest.lines().filter(l -> l.contains(".base.")).map(l -> l.replaceAll(".*appendonly\\.aof\\.(\\d+)\\.base.*", "$1"))
                    .mapToInt(Integer::parseInt).max().orElseThrow();
            Files.createDirectories(dir.resolve("appendonlydir").resolve("appendonly.aof." + (base + 1) + ".base.rdb")
                    .resolve("in-the-way"));
            RedisTarget.send(c, "BGREWRITEAOF");
            LifecycleDriver.Published aof = awaitOpened(d, "redis_aof_rewrite_failing");
            assertEquals(Severity.WARNING, aof.record().severity());
        } finally {
            io.dbautopilot.localstack.TempDirectories.deleteRecursively(dir.resolve("dump.rdb"));
            RedisTarget.send(c, "CONFIG", "SET", "appendonly", "no");
            c.close().await().indefinitely();
        }
        // fixed: the next snapshot succeeds, the status is ok again and the service resolves the anomaly
        RedisConnection again = admin();
        try (events) {
            RedisTarget.send(again, "BGSAVE", "SCHEDULE");
            await().atMost(Duration.ofSeconds(30)).until(() -> nextValue(TARGET, "redis_rdb_last_bgsave_status") == 1);
            events.await(30, "redis_bgsave_failed resolved by the service",
                    r -> r.event().fingerprint().equals(failedSave.fingerprint()) && r.event().state() == AnomalyState.RESOLVED);
        } finally {
            again.close().await().indefinitely();
        }
    }

    /**
     * A replica (a second throwaway redis-server, registered as its own target) pointed at a port nothing listens on
     * (link down), then at the real master; the replica is then frozen (SIGSTOP) while the master takes 32 MiB of
     * writes: lag in bytes at shipped thresholds, lag in seconds scaled 1/5 (10 s to 2 s).
     */
    @Test
    @Order(9)
    void replicationBrokenAndLagging() throws Exception {
        ThrowawayRedis replica = ThrowawayRedis.launch(RedisBinaries.locate(), List.of("masterauth " + redis.password()));
        String replicaTarget = "cache-replica";
        try {
            RedisTarget.register(replicaTarget, replica, true).statusCode(anyOf(equalTo(200), equalTo(201)));
            LifecycleDriver r = driver(replicaTarget, shipped("redis_replication_broken"));
            RedisConnection rc = RedisTarget.connect(vertx, replica);
            try {
                int nothing = io.dbautopilot.localstack.ServerProcesses.freePort();
                RedisTarget.send(rc, "REPLICAOF", "127.0.0.1", String.valueOf(nothing));
                LifecycleDriver.Published broken = awaitOpened(replicaTarget, r, "redis_replication_broken", o -> true);
                assertEquals(0.0, broken.record().value());
                RedisTarget.send(rc, "REPLICAOF", redis.host(), String.valueOf(redis.port()));
                await().atMost(Duration.ofSeconds(30)).until(() -> nextValue(replicaTarget, "redis_master_link_up") == 1);
            } finally {
                rc.close().await().indefinitely();
            }
            LifecycleDriver d = driver(TARGET, scaled("redis_replication_lag", 0.2, 1), shipped("redis_replication_lag_bytes"));
            await().atMost(Duration.ofSeconds(30)).until(() -> latest.current(TARGET).stream()
                    .anyMatch(p -> p.name().equals("redis_connected_slave_lag_seconds")));
            signal("STOP", replica.pid());
            RedisConnection c = admin();
            try {
                RedisTarget.send(c, "EVAL", "for i=1,ARGV[1] do redis.call('SET','repl:'..i,string.rep('r',ARGV[2])) end",
                        "0", "32768", "1024");
                LifecycleDriver.Published bytes = awaitOpened(TARGET, d, "redis_replication_lag_bytes", o -> true);
                assertTrue(bytes.record().value() > 16 * 1024 * 1024, bytes.record().evidence().toString());
                LifecycleDriver.Published seconds = awaitOpened(TARGET, d, "redis_replication_lag", o -> true);
                assertTrue(seconds.record().value() > 2, seconds.record().evidence().toString());
            } finally {
                signal("CONT", replica.pid());
                RedisTarget.send(c, "FLUSHALL");
                c.close().await().indefinitely();
            }
        } finally {
            RestAssured.delete("/api/targets/" + replicaTarget);
            replica.close();
        }
    }

    private static void signal(String signal, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), "kill -" + signal + " " + pid);
    }

    /**
     * Out of system memory scaled to what this server uses (0.9 of the host's memory to half the share it uses now):
     * the rule's ratio, comparison and severity order are kept.
     */
    @Test
    @Order(10)
    void usingMostOfTheHostsMemory() throws Exception {
        double used = nextValue(TARGET, "redis_memory_used_bytes");
        double total = nextValue(TARGET, "redis_total_system_memory_bytes");
        double share = used / total;
        LifecycleDriver d = driver(TARGET, scaled("redis_out_of_system_memory", share / 0.9 / 2, 1));
        LifecycleDriver.Published p = awaitOpened(d, "redis_out_of_system_memory");
        assertTrue(p.record().value() > share / 2, p.record().evidence().toString());
    }

    /**
     * Shipped thresholds: the server stops (up = 0; the service publishes {@code redis_down} within its 2 cycles),
     * then starts again (up = 1 and the service resolves {@code redis_down}; uptime below 300 s: restarted).
     */
    @Test
    @Order(11)
    void aStoppedServerIsDownAndARestartedOneRestarted() throws Exception {
        ThrowawayRedis server = (ThrowawayRedis) redis;
        LifecycleDriver d = driver(TARGET, shipped("redis_down"));
        Instant restartedAt;
        try (io.dbautopilot.performance.detect.AnomalyEvents events =
                     new io.dbautopilot.performance.detect.AnomalyEvents(kafka.bootstrapServers())) {
            io.dbautopilot.model.AnomalyEvent opened;
            try {
                server.stop();
                LifecycleDriver.Published down = awaitOpened(d, "redis_down");
                assertEquals(Severity.CRITICAL, down.record().severity());
                assertEquals(0.0, down.record().value(), down.record().evidence().toString());
                opened = events.await(30, "redis_down opened by the service", r -> TARGET.equals(r.key())
                        && r.event().detector().equals("redis_down") && r.event().state() == AnomalyState.OPENED).event();
            } finally {
                server.restart();
            }
            restartedAt = Instant.now();
            await().atMost(Duration.ofSeconds(60)).until(() -> latest.latest(TARGET)
                    .filter(s -> s.collectedAt().isAfter(restartedAt) && s.findValue("redis_up").orElse(0) == 1).isPresent());
            events.await(30, "redis_down resolved by the service", r -> r.event().fingerprint().equals(opened.fingerprint())
                    && r.event().state() == AnomalyState.RESOLVED);
        }
        LifecycleDriver r = driver(TARGET, shipped("redis_restarted"));
        LifecycleDriver.Published restarted = awaitOpened(r, "redis_restarted");
        double sinceRestart = Duration.between(restartedAt, Instant.now()).toMillis() / 1000.0;
        assertTrue(restarted.record().value() <= sinceRestart + 2, restarted.record().evidence() + " but restarted "
                + sinceRestart + " s ago");
    }

    /**
     * Backups of the target as the automation service publishes them on {@code autopilot.operations.v1} (RDB copies,
     * the engine's default): a last successful backup 26 h old opens {@code backup_stale} (the policy's backup-stale
     * answers it), a failed one opens {@code backup_failed}, a fresh successful one resolves both.
     */
    @Test
    @Order(12)
    void anOldLastBackupAndAFailedOne() throws Exception {
        LifecycleDriver d = driver(TARGET, shipped("backup_stale"), shipped("backup_failed"));
        try (OperationEvents events = new OperationEvents(kafka.bootstrapServers())) {
            events.publish(OperationEvents.backup(TARGET, OperationState.SUCCEEDED, Instant.now().minus(Duration.ofHours(26))));
            LifecycleDriver.Published stale = awaitOpened(d, "backup_stale");
            assertEquals(Severity.WARNING, stale.record().severity());
            assertTrue(stale.record().value() > 26 * 3600 - 60, stale.record().evidence().toString());

            events.publish(OperationEvents.backup(TARGET, OperationState.FAILED, Instant.now()));
            LifecycleDriver.Published failed = awaitOpened(d, "backup_failed");
            assertEquals("investigate", failed.record().suggestedAction(), failed.record().toString());

            events.publish(OperationEvents.backup(TARGET, OperationState.SUCCEEDED, Instant.now()));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
                d.cycle(latest.current(TARGET), Instant.now());
                return d.published.stream().filter(p -> p.state() == AnomalyState.RESOLVED)
                        .map(p -> p.record().rule()).collect(java.util.stream.Collectors.toSet())
                        .containsAll(Set.of("backup_stale", "backup_failed"));
            });
        }
    }

    /** Last: the target leaves the registry (later classes on the same broker must not see it). */
    @Test
    @Order(99)
    void theTargetIsRemoved() {
        RestAssured.delete("/api/targets/" + TARGET).then().statusCode(204);
        RestAssured.get("/api/targets/" + TARGET).then().statusCode(404);
    }
}
