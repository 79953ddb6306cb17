import io.dbautopilot.localstack.kafka.EmbeddedKafka;
import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 21 benchmark: start time, idle RSS and the speed of {@code /health} against {@code /api/targets} of the same
 * running service, in the same run. Starts an embedded Kafka broker and a throwaway PostgreSQL (state database and
 * one target {@code demo}), then the packaged services one at a time (performance-service, then
 * database-automation-service, each the other's peer), each timed from its JVM's start (process spawn) until
 * {@code /q/health/ready} and {@code /health} answer 200; reads their RSS after {@code --idle-seconds}; then runs wrk
 * against performance-service's {@code /health} and {@code /api/targets} (32 connections: saturating, and paced at
 * {@code --rate} requests/s through a wrk delay script) and against the automation service's {@code /health}.
 *
 * <pre>
 * java -cp "deploy/local-stack/target/classes:deploy/local-stack/target/lib/*" bench/HealthBench.java \
 *      [--perf-app DIR] [--auto-app DIR] [--jvm-opts "..."] [--auto-jvm-opts "..." (default: --jvm-opts)] [--idle-seconds 60] [--duration 20] [--rate 2000]
 *      [--connections 32] [--threads 2] [--out bench/results-health] [--legacy]
 * --legacy: packages from before issue 21 (no autopilot.peer.performance-url setting).
 * </pre>
 */
public final class HealthBench {

    static final String VIEWER_SECRET = "bench-viewer-secret-1";
    static final List<Process> children = new ArrayList<>();
    static EmbeddedKafka kafka;
    static ThrowawayPostgres pg;
    static Path out;

    public static void main(String[] args) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        String perfApp = "performance-service/target/quarkus-app";
        String autoApp = "database-automation-service/target/quarkus-app";
        String jvmOpts = "";
        String autoJvmOpts = null;
        int idleSeconds = 60;
        int duration = 20;
        int rate = 2000;
        int connections = 32;
        int threads = 2;
        String outDir = "bench/results-health";
        boolean legacy = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--perf-app" -> perfApp = args[++i];
                case "--auto-app" -> autoApp = args[++i];
                case "--jvm-opts" -> jvmOpts = args[++i];
                case "--auto-jvm-opts" -> autoJvmOpts = args[++i];
                case "--idle-seconds" -> idleSeconds = Integer.parseInt(args[++i]);
                case "--duration" -> duration = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--connections" -> connections = Integer.parseInt(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--out" -> outDir = args[++i];
                case "--legacy" -> legacy = true;
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        out = root.resolve(outDir);
        Files.createDirectories(out);
        Runtime.getRuntime().addShutdownHook(new Thread(HealthBench::cleanup));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("started", LocalDateTime.now().toString());
        result.put("jvm_opts", jvmOpts);
        autoJvmOpts = autoJvmOpts == null ? jvmOpts : autoJvmOpts;
        result.put("auto_jvm_opts", autoJvmOpts);
        result.put("perf_app", perfApp);
        result.put("auto_app", autoApp);
        result.put("load_average_at_start", loadAverage());

        progress("starting Kafka and PostgreSQL");
        kafka = EmbeddedKafka.launch();
        pg = ThrowawayPostgres.launch(PostgresBinaries.locate());
        pg.createDatabase("autopilot");
        pg.createDatabase("demo");
        pg.execute("demo", "CREATE TABLE orders (id bigserial PRIMARY KEY, customer int NOT NULL, total numeric(10,2))",
                "INSERT INTO orders (customer, total) SELECT g % 500, (g % 97) * 1.5 FROM generate_series(1, 20000) g");

        int perfPort = freePort();
        int autoPort = freePort();
        List<String> opts = jvmOpts.isBlank() ? List.of() : List.of(jvmOpts.trim().split("\\s+"));
        Map<String, String> perfProps = new LinkedHashMap<>();
        perfProps.put("quarkus.http.port", String.valueOf(perfPort));
        perfProps.put("autopilot.targets.demo.url", pg.uri("demo"));
        perfProps.put("autopilot.targets.demo.username", pg.user());
        perfProps.put("autopilot.targets.demo.password", pg.password());
        perfProps.put("autopilot.targets.demo.interval", "15s");
        perfProps.put("autopilot.dashboard.automation-url", "http://127.0.0.1:" + autoPort);
        perfProps.put("autopilot.api.viewer-keys", "bench:" + VIEWER_SECRET);
        Map<String, String> autoProps = new LinkedHashMap<>();
        autoProps.put("quarkus.http.port", String.valueOf(autoPort));
        autoProps.put("autopilot.databases.demo.url", pg.uri("demo"));
        autoProps.put("autopilot.databases.demo.username", pg.user());
        autoProps.put("autopilot.databases.demo.password", pg.password());
        if (!legacy) { // packages from before issue 21 refuse the setting (unknown autopilot.* property)
            autoProps.put("autopilot.peer.performance-url", "http://127.0.0.1:" + perfPort);
        }
        autoProps.put("autopilot.api.viewer-keys", "bench:" + VIEWER_SECRET);

        Map<String, Object> perf = start("performance-service", root.resolve(perfApp), opts, perfProps, perfPort);
        List<String> autoOpts = autoJvmOpts.isBlank() ? List.of() : List.of(autoJvmOpts.trim().split("\\s+"));
        Map<String, Object> auto = start("database-automation-service", root.resolve(autoApp), autoOpts, autoProps, autoPort);
        result.put("performance_service", perf);
        result.put("database_automation_service", auto);

        progress("idle for " + idleSeconds + " s, then RSS");
        Thread.sleep(idleSeconds * 1000L);
        perf.put("idle_rss_mib", rssMib((Long) perf.get("pid")));
        auto.put("idle_rss_mib", rssMib((Long) auto.get("pid")));
        perf.put("health_after_idle", get("http://127.0.0.1:" + perfPort + "/health", null));
        auto.put("health_after_idle", get("http://127.0.0.1:" + autoPort + "/health", null));
        progress("idle RSS: performance-service " + perf.get("idle_rss_mib") + " MiB, database-automation-service "
                + auto.get("idle_rss_mib") + " MiB");

        Path pace = out.resolve("pace.lua");
        // each connection waits connections*1000/rate ms before its next request: about `rate` requests/s in all
        // (one ms less than the exact share: the request's own time is added to each connection's cycle)
        Files.writeString(pace, "function delay()\n  return " + Math.max(1, connections * 1000 / rate - 1) + "\nend\n");
        Map<String, Object> wrkRuns = new LinkedHashMap<>();
        String perfBase = "http://127.0.0.1:" + perfPort;
        String autoBase = "http://127.0.0.1:" + autoPort;
        wrk("warmup", perfBase + "/health", null, threads, connections, 5, null, false);
        wrk("warmup", perfBase + "/api/targets", VIEWER_SECRET, threads, connections, 5, null, false);
        wrk("warmup", autoBase + "/health", null, threads, connections, 5, null, false);
        wrkRuns.put("performance /health saturating", wrk("sat", perfBase + "/health", null, threads, connections, duration, null, false));
        wrkRuns.put("performance /api/targets saturating", wrk("sat", perfBase + "/api/targets", VIEWER_SECRET, threads, connections, duration, null, false));
        wrkRuns.put("performance /health at " + rate + "/s", wrk("paced", perfBase + "/health", null, threads, connections, duration, pace, true));
        wrkRuns.put("performance /api/targets at " + rate + "/s", wrk("paced", perfBase + "/api/targets", VIEWER_SECRET, threads, connections, duration, pace, true));
        wrkRuns.put("automation /health saturating", wrk("sat", autoBase + "/health", null, threads, connections, duration, null, false));
        wrkRuns.put("automation /health at " + rate + "/s", wrk("paced", autoBase + "/health", null, threads, connections, duration, pace, true));
        result.put("wrk", wrkRuns);
        result.put("load_average_at_end", loadAverage());
        Map<?, ?> hs = (Map<?, ?>) wrkRuns.get("performance /health saturating");
        Map<?, ?> ts = (Map<?, ?>) wrkRuns.get("performance /api/targets saturating");
        if (hs != null && ts != null && ts.get("requests_per_second") instanceof Double t && hs.get("requests_per_second") instanceof Double h) {
            result.put("health_to_targets_throughput_ratio", Math.round(h / t * 1000) / 1000.0);
        }
        String json = toJson(result, 0);
        Files.writeString(out.resolve("health-bench.json"), json + "\n");
        System.out.println(json);
        System.exit(0); // the embedded broker's threads would keep the JVM alive: the shutdown hook cleans up
    }

    static Map<String, Object> start(String name, Path app, List<String> opts, Map<String, String> props, int port)
            throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(opts);
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(app.resolve("quarkus-run.jar").toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(out.resolve(name + ".log").toFile());
        pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        pb.environment().put("AUTOPILOT_STATE_URL", pg.uri("autopilot"));
        pb.environment().put("AUTOPILOT_STATE_USERNAME", pg.user());
        pb.environment().put("AUTOPILOT_STATE_PASSWORD", pg.password());
        progress("starting " + name + " " + String.join(" ", opts));
        long t0 = System.nanoTime();
        Process p = pb.start();
        children.add(p);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("pid", p.pid());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        Long ready = null;
        Long health = null;
        while ((ready == null || health == null) && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(180)) {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited: see " + out.resolve(name + ".log"));
            }
            if (ready == null && status(http, "http://127.0.0.1:" + port + "/q/health/ready") == 200) {
                ready = (System.nanoTime() - t0) / 1_000_000;
            }
            if (health == null && status(http, "http://127.0.0.1:" + port + "/health") == 200) {
                health = (System.nanoTime() - t0) / 1_000_000;
            }
            Thread.sleep(20);
        }
        r.put("jvm_start_to_ready_ms", ready);
        r.put("jvm_start_to_health_200_ms", health);
        Thread.sleep(500);
        Matcher m = Pattern.compile("started in ([0-9.]+)s").matcher(Files.readString(out.resolve(name + ".log")));
        r.put("quarkus_started_in_s", m.find() ? Double.parseDouble(m.group(1)) : null);
        r.put("rss_at_up_mib", rssMib(p.pid()));
        progress(name + ": ready after " + ready + " ms, /health 200 after " + health + " ms");
        return r;
    }

    static int status(HttpClient http, String url) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(500)).GET().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static String get(String url, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
        if (key != null) {
            b.header("X-API-Key", key);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static Map<String, Object> wrk(String label, String url, String key, int threads, int connections, int seconds,
                                   Path script, boolean paced) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + seconds + "s",
                "--latency"));
        if (key != null) {
            cmd.addAll(List.of("-H", "X-API-Key: " + key));
        }
        if (script != null) {
            cmd.addAll(List.of("-s", script.toString()));
        }
        cmd.add(url);
        progress(label + ": " + String.join(" ", cmd).replace(VIEWER_SECRET, "<viewer key>"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("command", String.join(" ", cmd).replace(VIEWER_SECRET, "<viewer key>"));
        r.put("requests_per_second", number(text, "Requests/sec:\\s+([0-9.]+)"));
        for (String pct : List.of("50", "75", "90", "99")) {
            r.put("p" + pct + "_ms", millis(text, "\\s" + pct + "%\\s+([0-9.]+)(us|ms|s)"));
        }
        r.put("non_2xx", number(text, "Non-2xx or 3xx responses:\\s+([0-9]+)"));
        r.put("socket_errors", text.contains("Socket errors") ? text.lines().filter(l -> l.contains("Socket errors"))
                .findFirst().orElse("").trim() : null);
        r.put("load_average", loadAverage());
        Files.writeString(out.resolve("wrk-" + label + "-" + url.replaceAll("[^a-z0-9]+", "_") + ".txt"), text);
        progress("  " + r);
        return r;
    }

    static Double number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : null;
    }

    static Double millis(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            return null;
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    static Long rssMib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return null;
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return null;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void progress(String s) {
        System.err.println("[health-bench " + LocalDateTime.now().toLocalTime().withNano(0) + "] " + s);
    }

    @SuppressWarnings("unchecked")
    static String toJson(Object v, int indent) {
        String pad = "  ".repeat(indent + 1);
        if (v instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, x) -> parts.add(pad + "\"" + k + "\": " + toJson(x, indent + 1)));
            return "{\n" + String.join(",\n", parts) + "\n" + "  ".repeat(indent) + "}";
        }
        if (v == null) {
            return "null";
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        String s = v.toString();
        if (s.startsWith("{") && s.endsWith("}")) {
            return s; // a JSON body read from a service
        }
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    static void cleanup() {
        for (Process p : children) {
            p.destroy();
        }
        for (Process p : children) {
            try {
                if (!p.waitFor(60, TimeUnit.SECONDS)) { // a graceful stop leaves the fleet group and saves state
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (kafka != null) {
            try {
                kafka.close();
            } catch (RuntimeException e) {
                // best effort
            }
        }
        if (pg != null) {
            try {
                pg.close();
            } catch (RuntimeException e) {
                // best effort
            }
        }
    }
}
