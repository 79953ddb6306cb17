package io.dbautopilot.localstack;

import io.dbautopilot.localstack.demo.DemoDatabase;
import io.dbautopilot.localstack.demo.DemoWorkload;
import io.dbautopilot.localstack.kafka.EmbeddedKafka;
import io.dbautopilot.localstack.mariadb.MariaDbBinaries;
import io.dbautopilot.localstack.mariadb.ThrowawayMariaDb;
import io.dbautopilot.localstack.redis.RedisBinaries;
import io.dbautopilot.localstack.redis.ThrowawayRedis;
import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The whole of DB Autopilot on one machine: an embedded Kafka broker, a throwaway PostgreSQL cluster (state
 * database {@code autopilot} and demo target {@code demo}), a throwaway MariaDB server (target {@code shop}) and a
 * throwaway Redis server (target {@code cache}), both watched by performance-service, and both services, until
 * Ctrl-C or SIGTERM.
 *
 * <p>The demo target is managed for real ({@link DemoDatabase}): four demo migrations applied by the automation
 * service's policy, a backup schedule, a partitioned table kept ahead, and a built-in workload ({@link DemoWorkload},
 * off with {@code --no-workload}) that moves the charts and opens anomalies the automation service acts on.
 *
 * <p>Started by {@code deploy/run-local.sh}, which builds the services first. {@code --check} starts everything
 * (without the workload), waits until both services report UP on {@code /health}, then stops everything and exits 0
 * (used by CI).
 */
public final class LocalStack {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private final Path root;
    private final int performancePort;
    private final int automationPort;
    /** API credentials of the local stack's automation service (local use only, never in production). */
    private static final String LOCAL_VIEWER_KEY = "local-viewer:local-viewer-key";
    private static final String LOCAL_OPERATOR_KEY = "local-operator:local-operator-key";
    private final List<Process> services = new ArrayList<>();
    private EmbeddedKafka kafka;
    private ThrowawayPostgres postgres;
    private ThrowawayMariaDb mariadb;
    private ThrowawayRedis redis;
    private DemoWorkload workload;
    private volatile boolean stopped;

    private LocalStack(Path root, int performancePort, int automationPort) {
        this.root = root;
        this.performancePort = performancePort;
        this.automationPort = automationPort;
    }

    public static void main(String[] args) {
        Path root = Path.of(".").toAbsolutePath().normalize();
        boolean check = false;
        boolean runWorkload = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--check" -> check = true;
                case "--no-workload" -> runWorkload = false;
                default -> fail("unknown option " + args[i] + " (known: --root DIR, --check, --no-workload)");
            }
        }
        int perf = Integer.parseInt(System.getenv().getOrDefault("PERFORMANCE_PORT", "8085"));
        int auto = Integer.parseInt(System.getenv().getOrDefault("AUTOMATION_PORT", "8086"));
        LocalStack stack = new LocalStack(root, perf, auto);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::stop, "local-stack-shutdown"));
        try {
            stack.start();
        } catch (MissingPrerequisiteException e) {
            stack.stop();
            fail(e.getMessage());
        } catch (RuntimeException e) {
            stack.stop();
            fail("the local stack did not start: " + e.getMessage());
        }
        if (check) {
            System.out.println("Check passed: both services are UP and list the four engines. Stopping everything.");
            stack.stop();
            System.exit(0);
        }
        stack.firstBackup();
        if (runWorkload) {
            stack.startWorkload();
        } else {
            System.out.println("  Demo workload                off (--no-workload)");
        }
        System.out.println("Press Ctrl-C to stop everything.");
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void start() {
        Path perfJar = root.resolve("performance-service/target/quarkus-app/quarkus-run.jar");
        Path autoJar = root.resolve("database-automation-service/target/quarkus-app/quarkus-run.jar");
        for (Path jar : List.of(perfJar, autoJar)) {
            if (!Files.isRegularFile(jar)) {
                throw new MissingPrerequisiteException(jar + " is missing: build first with ./mvnw -DskipTests package "
                        + "(deploy/run-local.sh does this for you).");
            }
        }
        requireFreePort(performancePort, "PERFORMANCE_PORT");
        requireFreePort(automationPort, "AUTOMATION_PORT");
        PostgresBinaries binaries = PostgresBinaries.locate();

        long t0 = System.nanoTime();
        step("Starting Kafka (embedded KRaft broker)");
        java.io.PrintStream out = System.out;
        try {
            System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream())); // Kafka's format chatter
            kafka = EmbeddedKafka.launch();
        } finally {
            System.setOut(out);
        }
        createTopics(kafka.bootstrapServers());
        done(t0, kafka.bootstrapServers());

        t0 = System.nanoTime();
        step("Starting PostgreSQL (throwaway cluster from " + binaries.binDir() + ")");
        postgres = ThrowawayPostgres.launch(binaries);
        postgres.createDatabase("autopilot");
        postgres.createDatabase(DemoDatabase.NAME);
        DemoDatabase.prepare(postgres);
        // performance-service watches demo as a pg_monitor role, as the docs ask of users: the index advisor refuses to
        // EXPLAIN workload statements as a superuser; SELECT lets it plan the demo's statements
        String monitorPassword = java.util.UUID.randomUUID().toString();
        postgres.execute("postgres", "CREATE ROLE autopilot_monitor LOGIN PASSWORD '" + monitorPassword + "' IN ROLE pg_monitor");
        postgres.execute("demo", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO autopilot_monitor",
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO autopilot_monitor");
        done(t0, postgres.host() + ":" + postgres.port());

        t0 = System.nanoTime();
        step("Starting MariaDB (throwaway server, target 'shop')");
        mariadb = ThrowawayMariaDb.launch(MariaDbBinaries.locate(), "shop", List.of("--log-bin=binlog", "--server-id=1"));
        // performance-service watches shop as a monitoring user with only the privileges the collector needs
        String shopMonitorPassword = java.util.UUID.randomUUID().toString().replace("-", "");
        mariadb.execute("shop",
                "CREATE TABLE IF NOT EXISTS orders (id bigint AUTO_INCREMENT PRIMARY KEY, customer int NOT NULL, "
                        + "total decimal(10,2), created_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, KEY (customer))",
                "INSERT INTO orders (customer, total) SELECT seq % 500, (seq % 97) * 1.5 FROM seq_1_to_20000",
                "CREATE USER 'autopilot_monitor'@'%' IDENTIFIED BY '" + shopMonitorPassword + "'",
                "GRANT PROCESS, BINLOG MONITOR, SLAVE MONITOR ON *.* TO 'autopilot_monitor'@'%'",
                "GRANT SELECT ON performance_schema.* TO 'autopilot_monitor'@'%'",
                "GRANT SELECT ON shop.* TO 'autopilot_monitor'@'%'");
        // the automation service manages shop as a user of its own with the grants its operations need
        // (docs/engines.md "MySQL / MariaDB grants"): nothing on other databases, no SUPER, no user administration
        String shopAutomationPassword = java.util.UUID.randomUUID().toString().replace("-", "");
        mariadb.execute("shop", shopAutomationGrants(shopAutomationPassword).toArray(String[]::new));
        done(t0, mariadb.host() + ":" + mariadb.port());

        t0 = System.nanoTime();
        step("Starting Redis (throwaway server, target 'cache')");
        redis = ThrowawayRedis.launch(RedisBinaries.locate(), List.of("maxmemory 64mb", "maxmemory-policy allkeys-lru"));
        done(t0, redis.host() + ":" + redis.port());

        t0 = System.nanoTime();
        step("Creating the SQLite file (target 'notes')");
        Path notes = sqliteNotes(postgres.directory().resolve("sqlite"));
        done(t0, notes.toString());

        Path logs = root.resolve("deploy/local-stack/target/logs");
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> common = new LinkedHashMap<>();
        common.put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        common.put("AUTOPILOT_STATE_URL", postgres.uri("autopilot"));
        common.put("AUTOPILOT_STATE_USERNAME", postgres.user());
        common.put("AUTOPILOT_STATE_PASSWORD", postgres.password());
        common.put("DEMO_MONITOR_PASSWORD", monitorPassword);
        common.put("SHOP_MONITOR_PASSWORD", shopMonitorPassword);
        common.put("SHOP_AUTOMATION_PASSWORD", shopAutomationPassword);
        common.put("CACHE_PASSWORD", redis.password());

        List<String> perfProps = List.of(
                "-Dquarkus.http.port=" + performancePort,
                "-Dautopilot.targets.demo.url=" + postgres.uri("demo"),
                "-Dautopilot.targets.demo.username=autopilot_monitor",
                "-Dautopilot.targets.demo.password=${DEMO_MONITOR_PASSWORD}", // from the environment, not the command line
                "-Dautopilot.targets.demo.interval=15s",
                // the workload's dead tuples seen sooner (default 60 s), so the loop acts within minutes
                "-Dautopilot.targets.demo.family-intervals.tables=30s",
                "-Dautopilot.targets.shop.url=" + mariadb.url(),
                "-Dautopilot.targets.shop.username=autopilot_monitor",
                "-Dautopilot.targets.shop.password=${SHOP_MONITOR_PASSWORD}",
                "-Dautopilot.targets.shop.interval=15s",
                "-Dautopilot.targets.cache.url=redis://" + redis.host() + ":" + redis.port() + "/0",
                "-Dautopilot.targets.cache.password=${CACHE_PASSWORD}",
                "-Dautopilot.targets.cache.interval=15s",
                "-Dautopilot.targets.notes.url=sqlite://" + notes, // a local file: read-only, no credentials
                "-Dautopilot.targets.notes.interval=15s",
                "-Dautopilot.dashboard.automation-url=http://localhost:" + automationPort,
                // the dashboard's backups and migrations panels read the automation service with its viewer key
                "-Dautopilot.dashboard.automation-key=" + secret(LOCAL_VIEWER_KEY),
                "-Dautopilot.fleet.assignment-timeout=0s",
                "-Dautopilot.api.viewer-keys=" + LOCAL_VIEWER_KEY,
                "-Dautopilot.api.operator-keys=" + LOCAL_OPERATOR_KEY);
        services.add(launch("performance-service", perfJar, perfProps, common, logs));
        List<String> autoProps = new ArrayList<>(List.of(
                "-Dquarkus.http.port=" + automationPort,
                "-Dautopilot.peer.performance-url=http://localhost:" + performancePort,
                "-Dautopilot.databases.demo.url=" + postgres.uri("demo"),
                "-Dautopilot.databases.demo.username=" + postgres.user(),
                "-Dautopilot.databases.demo.password=" + postgres.password(),
                "-Dautopilot.databases.demo.maintenance-windows=0 0 * * * 24h",
                "-Dautopilot.databases.demo.trust=auto", // the demo acts on its own whatever autopilot.trust.default says
                "-Dautopilot.databases.shop.url=" + mariadb.url(),
                "-Dautopilot.databases.shop.username=autopilot_automation",
                "-Dautopilot.databases.shop.password=${SHOP_AUTOMATION_PASSWORD}", // from the environment
                // the Redis target too: MEMORY PURGE, CLIENT KILL of idle clients, redis_rdb backups (password from env)
                "-Dautopilot.databases.cache.url=redis://" + redis.host() + ":" + redis.port() + "/0",
                "-Dautopilot.databases.cache.password=${CACHE_PASSWORD}",
                // the SQLite file: VACUUM, PRAGMA optimize, checkpoints, VACUUM INTO backups
                "-Dautopilot.databases.notes.url=sqlite://" + notes,
                "-Dautopilot.api.viewer-keys=" + LOCAL_VIEWER_KEY,
                "-Dautopilot.api.operator-keys=" + LOCAL_OPERATOR_KEY));
        // backups live in the cluster's throwaway directory: removed with it, even when this JVM is killed
        String osUser = "root".equals(System.getProperty("user.name")) ? "postgres" : null; // the cluster's OS user
        autoProps.addAll(DemoDatabase.automationSettings(root, postgres.directory().resolve("backups"), osUser));
        services.add(launch("database-automation-service", autoJar, autoProps, common, logs));

        awaitHealthy("performance-service", performancePort, services.get(0), logs);
        awaitHealthy("database-automation-service", automationPort, services.get(1), logs);
        awaitEnginesSideBySide();

        System.out.println();
        System.out.println("DB Autopilot is running:");
        System.out.println("  performance-service          http://localhost:" + performancePort + "/health   "
                + "(Swagger UI /q/swagger-ui, metrics /q/metrics)");
        System.out.println("  database-automation-service  http://localhost:" + automationPort + "/health   "
                + "(Swagger UI /q/swagger-ui, metrics /q/metrics)");
        System.out.println("  operations API               http://localhost:" + automationPort + "/api/operations");
        System.out.println("  API keys (both services)     X-API-Key: " + secret(LOCAL_OPERATOR_KEY) + "   (operator: reads "
                + "and changes)");
        System.out.println("                               X-API-Key: " + secret(LOCAL_VIEWER_KEY) + "     (viewer: reads; "
                + "also the dashboard's key)");
        System.out.println("  Kafka bootstrap servers      " + kafka.bootstrapServers()
                + "   (topics autopilot.metrics.v1, autopilot.anomalies.v1, ...)");
        System.out.println("  PostgreSQL                   " + postgres.jdbcUrl("demo") + "   (user postgres, password postgres; "
                + "state database 'autopilot')");
        System.out.println("  MariaDB                      " + mariadb.jdbcUrl() + "   (target 'shop', watched as "
                + "autopilot_monitor, managed as autopilot_automation)");
        System.out.println("  Redis                        redis://" + redis.host() + ":" + redis.port()
                + "/0   (target 'cache', maxmemory 64 MB, allkeys-lru)");
        System.out.println("  SQLite                       " + postgres.directory().resolve("sqlite/notes.db")
                + "   (target 'notes')");
        System.out.println("  Demo target 'demo'           migrations " + DemoDatabase.MIGRATIONS
                + " (applied by policy: GET /api/migrations), pg_basebackup every 30 min, partitioned table events "
                + "(GET /api/partitions)");
        System.out.println("  Service logs                 " + logs);
    }

    /** Requests the demo's first backup (later ones follow the schedule); a failure is reported, not fatal. */
    private void firstBackup() {
        try {
            System.out.println("  First backup of 'demo'       " + DemoDatabase.requestFirstBackup(automationPort, secret(LOCAL_OPERATOR_KEY)));
        } catch (RuntimeException e) {
            System.err.println("The first backup of 'demo' could not be requested: " + e.getMessage());
        }
    }

    /** Starts the demo workload on the demo target (stopped with the stack). */
    private synchronized void startWorkload() {
        if (stopped) {
            return;
        }
        workload = DemoWorkload.start(postgres, DemoDatabase.NAME);
        System.out.println("  Demo workload                ~5 transactions/s, churn on stock and a slow report on 'demo' "
                + "(application_name " + DemoWorkload.APPLICATION + "; --no-workload turns it off)");
    }

    /** The four engines' targets, as each service lists them. */
    static final Map<String, String> ENGINES = Map.of("demo", "postgresql", "shop", "mariadb", "cache", "redis",
            "notes", "sqlite");

    /**
     * Waits until both services show the four engines side by side: performance-service's {@code /api/fleet} (the
     * dashboard's one request for its grid) with each target reachable and graded, the automation service's
     * {@code /api/databases} with each reachable.
     */
    private void awaitEnginesSideBySide() {
        long t0 = System.nanoTime();
        step("Waiting for PostgreSQL, MariaDB, Redis and SQLite targets in both services");
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        long deadline = t0 + Duration.ofSeconds(120).toNanos();
        String missing = "";
        while (System.nanoTime() < deadline) {
            try {
                Map<String, String> collected = new java.util.TreeMap<>();
                for (com.fasterxml.jackson.databind.JsonNode t : json.readTree(get(http, performancePort, "/api/fleet"))
                        .path("rows")) {
                    if (t.path("reachable").asBoolean(false) && t.path("grade").isTextual()) {
                        collected.put(t.path("id").asText(), t.path("engine").asText());
                    }
                }
                Map<String, String> managed = new java.util.TreeMap<>();
                for (com.fasterxml.jackson.databind.JsonNode d : json.readTree(get(http, automationPort, "/api/databases"))) {
                    if ("reachable".equals(d.path("status").asText())) {
                        managed.put(d.path("id").asText(), d.path("engine").asText());
                    }
                }
                missing = "";
                for (Map.Entry<String, String> e : ENGINES.entrySet()) {
                    if (!e.getValue().equals(collected.get(e.getKey()))) {
                        missing += " " + e.getKey() + " (" + e.getValue() + ") not on the dashboard (reachable and "
                                + "graded in /api/fleet) yet;";
                    }
                    if (!e.getValue().equals(managed.get(e.getKey()))) {
                        missing += " " + e.getKey() + " (" + e.getValue() + ") not reachable by the automation service;";
                    }
                }
                if (missing.isEmpty()) {
                    done(t0, "4 of 4 in /api/fleet and /api/databases");
                    return;
                }
            } catch (IOException e) {
                missing = " " + e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
            sleep(1000);
        }
        throw new IllegalStateException("the four engines were not side by side within 120 s:" + missing);
    }

    private static String get(HttpClient http, int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("X-API-Key", secret(LOCAL_VIEWER_KEY)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + " answered " + r.statusCode());
        }
        return r.body();
    }

    /** A small SQLite database file (notes with an index), in a directory removed with the stack. */
    private static Path sqliteNotes(Path dir) {
        Path file = dir.resolve("notes.db");
        try {
            Files.createDirectories(dir);
            try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
                 java.sql.Statement st = c.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, created_at TEXT)");
                st.execute("CREATE INDEX IF NOT EXISTS notes_created ON notes (created_at)");
                st.execute("INSERT INTO notes (body, created_at) WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL "
                        + "SELECT i + 1 FROM n WHERE i < 1000) SELECT 'note ' || i, datetime('now') FROM n");
            }
        } catch (IOException | java.sql.SQLException e) {
            throw new IllegalStateException("cannot create the SQLite file " + file + ": " + e.getMessage(), e);
        }
        return file;
    }

    private static String secret(String nameAndSecret) {
        return nameAndSecret.substring(nameAndSecret.indexOf(':') + 1);
    }

    /** The topics of DESIGN.md, created up front with 3 partitions each (metrics kept one day). */
    private static void createTopics(String bootstrap) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<org.apache.kafka.clients.admin.NewTopic> topics = new ArrayList<>();
            topics.add(new org.apache.kafka.clients.admin.NewTopic("autopilot.metrics.v1", 3, (short) 1)
                    .configs(Map.of("retention.ms", String.valueOf(Duration.ofDays(1).toMillis()),
                            // a snapshot with thousands of tables is larger than the 1 MB default, even compressed
                            "max.message.bytes", String.valueOf(16 * 1024 * 1024))));
            for (String t : List.of("autopilot.anomalies.v1", "autopilot.recommendations.v1", "autopilot.operations.v1",
                    "autopilot.anomalies.v1.dlq", "autopilot.recommendations.v1.dlq", "autopilot.benchmarks.v1",
                    "autopilot.canary.v1")) {
                topics.add(new org.apache.kafka.clients.admin.NewTopic(t, 3, (short) 1));
            }
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create the topics: " + e.getMessage(), e);
        }
    }

    private Process launch(String name, Path jar, List<String> props, Map<String, String> env, Path logs) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // the footprint flags documented in docs/deployment.md (the same as compose and Kubernetes)
        cmd.addAll(List.of("-XX:+UseSerialGC", "-Xms32m",
                name.equals("performance-service") ? "-Xmx640m" : "-Xmx384m", "-XX:MinHeapFreeRatio=10",
                "-XX:MaxHeapFreeRatio=30", "-XX:ReservedCodeCacheSize=48m", "-XX:MaxMetaspaceSize=160m", "-Xss512k",
                "-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:+ExitOnOutOfMemoryError"));
        cmd.addAll(props);
        cmd.add("-jar");
        cmd.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(logs.resolve(name + ".log").toFile());
        pb.environment().putAll(env);
        try {
            step("Starting " + name);
            System.out.println(" (log: " + logs.resolve(name + ".log") + ")");
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    private void awaitHealthy(String name, int port, Process process, Path logs) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health"))
                .timeout(Duration.ofSeconds(10)).build();
        long t0 = System.nanoTime();
        long deadline = t0 + READY_TIMEOUT.toNanos();
        step("Waiting for " + name + " to report UP");
        int dots = 0;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with code " + process.exitValue() + ". Last log lines:\n"
                        + tail(logs.resolve(name + ".log"), 30));
            }
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    done(t0, "UP");
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
            if (++dots % 4 == 0) {
                System.out.print(".");
                System.out.flush();
            }
            sleep(500);
        }
        throw new IllegalStateException(name + " did not report UP within " + READY_TIMEOUT.toSeconds() + " s; see "
                + logs.resolve(name + ".log") + ". Last log lines:\n" + tail(logs.resolve(name + ".log"), 30));
    }

    private synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (services.isEmpty() && kafka == null && postgres == null && mariadb == null && redis == null) {
            return; // nothing was started
        }
        System.out.println();
        System.out.println("Stopping DB Autopilot local stack...");
        if (workload != null) {
            workload.close();
        }
        for (Process p : services) {
            p.destroy(); // SIGTERM: Quarkus shuts down gracefully
        }
        for (Process p : services) {
            try {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        }
        if (postgres != null) {
            postgres.close();
        }
        if (mariadb != null) {
            mariadb.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        System.out.println("Stopped: no process or temporary directory left behind.");
    }

    private static void requireFreePort(int port, String setting) {
        try (ServerSocket s = new ServerSocket(port)) {
            s.setReuseAddress(true);
        } catch (IOException e) {
            throw new MissingPrerequisiteException("port " + port + " is already in use (is another copy running?). "
                    + "Stop whatever listens there (ss -ltnp 'sport = :" + port + "') or choose another port with "
                    + setting + "=<port>.");
        }
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void step(String what) {
        System.out.print("==> " + what + " ");
        System.out.flush();
    }

    private static void done(long startNanos, String detail) {
        System.out.printf("ok: %s (%.1f s)%n", detail, (System.nanoTime() - startNanos) / 1e9);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void fail(String message) {
        System.err.println();
        System.err.println("ERROR: " + message);
        System.exit(2);
    }

    /**
     * The automation service's user on shop and its grants: table maintenance, online index changes and Flyway
     * migrations on shop (SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES, CREATE VIEW, SHOW
     * VIEW, TRIGGER, EVENT, LOCK TABLES; SELECT on mysql.proc for mariadb-dump --routines), KILL of other users'
     * sessions (CONNECTION ADMIN) it must first see with their transactions (PROCESS), replica state (SLAVE MONITOR),
     * and performance_schema (its own earlier sessions, index use, the migration gate).
     */
    public static List<String> shopAutomationGrants(String password) {
        return List.of(
                "CREATE USER 'autopilot_automation'@'%' IDENTIFIED BY '" + password + "'",
                "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, ALTER, INDEX, REFERENCES, CREATE VIEW, SHOW VIEW, "
                        + "TRIGGER, EVENT, LOCK TABLES ON shop.* TO 'autopilot_automation'@'%'",
                "GRANT PROCESS, CONNECTION ADMIN, SLAVE MONITOR ON *.* TO 'autopilot_automation'@'%'",
                "GRANT SELECT ON performance_schema.* TO 'autopilot_automation'@'%'",
                "GRANT SELECT ON mysql.proc TO 'autopilot_automation'@'%'");
    }
}
