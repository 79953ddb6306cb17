import io.dbautopilot.localstack.InfraMode;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;

import java.net.ServerSocket;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 7 benchmark: a pgBackRest full backup of one database orchestrated by database-automation-service (POST
 * /api/backups → operation → catalog) vs the same pgbackrest command with the same configuration file run by hand,
 * alternating, plus a restore drill's RTO. Started by bench/backup.sh; prints a JSON result to stdout.
 *
 * Args: scale (pgbench scale, ~15 MB each), rounds, output file.
 */
public class BackupBench {

    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final String KEY = "bench-operator";

    public static void main(String[] args) throws Exception {
        int scale = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Path out = Path.of(args[2]);
        PostgresBinaries bin = PostgresBinaries.locate();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path dir = Files.createTempDirectory("dbautopilot-backup-bench-");
        if (root) {
            run(List.of("chown", "postgres:postgres", dir.toString()));
        }
        try (KafkaBroker kafka = InfraMode.EMBEDDED.startKafka();
             ThrowawayPostgres pg = ThrowawayPostgres.launch(bin, 0, List.of("archive_mode = on",
                     "archive_command = '/bin/false'", "full_page_writes = on"))) {
            pg.createDatabase("autopilot_state");
            pg.createDatabase("bench");
            log("populating with pgbench -i -s " + scale);
            List<String> init = new ArrayList<>(List.of(bin.tool("pgbench").toString(), "-i", "-q", "-s",
                    Integer.toString(scale), "-h", pg.host(), "-p", Integer.toString(pg.port()), "-U", pg.user(), "bench"));
            runEnv(init, "PGPASSWORD", pg.password());
            long dbBytes;
            try (Connection c = pg.connect("bench"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT pg_database_size('bench')")) {
                rs.next();
                dbBytes = rs.getLong(1);
            }
            log("database size " + dbBytes / 1_000_000 + " MB");
            int port = freePort();
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-Dquarkus.http.port=" + port,
                    "-Dkafka.bootstrap.servers=" + kafka.bootstrapServers(),
                    "-Dautopilot.state.url=" + pg.uri("autopilot_state"),
                    "-Dautopilot.state.username=" + pg.user(), "-Dautopilot.state.password=" + pg.password(),
                    "-Dautopilot.databases.bench.url=" + pg.uri("bench"),
                    "-Dautopilot.databases.bench.username=" + pg.user(),
                    "-Dautopilot.databases.bench.password=" + pg.password(),
                    "-Dautopilot.backup.directory=" + dir,
                    "-Dautopilot.backup.databases.bench.engine=pgbackrest",
                    "-Dautopilot.backup.databases.bench.retention-full=2",
                    "-Dautopilot.operations.poll-interval=200ms",
                    "-Dautopilot.api.operator-keys=bench:" + KEY));
            if (root) {
                cmd.add("-Dautopilot.backup.os-user=postgres");
            }
            cmd.addAll(List.of("-jar", Path.of("database-automation-service/target/quarkus-app/quarkus-run.jar")
                    .toAbsolutePath().toString()));
            Path serviceLog = Files.createDirectories(out.getParent()).resolve("backup-service.log");
            Process service = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(serviceLog.toFile()).start();
            try {
                awaitReady(port);
                log("warm-up: the service's first backup writes the config, creates the stanza, sets archive_command");
                orchestrated(port);
                Path conf = dir.resolve("bench").resolve("pgbackrest.conf");
                List<Long> hand = new ArrayList<>();
                List<Long> svcStep = new ArrayList<>();
                List<Long> svcTotal = new ArrayList<>();
                List<Long> svcVerify = new ArrayList<>();
                List<Long> handVerify = new ArrayList<>();
                for (int i = 0; i < rounds; i++) {
                    List<String> h = new ArrayList<>();
                    if (root) {
                        h.addAll(List.of("runuser", "-u", "postgres", "--"));
                    }
                    h.addAll(List.of("pgbackrest", "--config=" + conf, "--stanza=bench", "--type=full", "backup"));
                    long t0 = System.nanoTime();
                    run(h);
                    hand.add((System.nanoTime() - t0) / 1_000_000);
                    List<String> v = new ArrayList<>(h.subList(0, h.size() - 2));
                    v.add("verify");
                    t0 = System.nanoTime();
                    run(v);
                    handVerify.add((System.nanoTime() - t0) / 1_000_000);
                    long[] o = orchestrated(port);
                    svcTotal.add(o[0]);
                    svcStep.add(o[1]);
                    svcVerify.add(o[2]);
                    log(String.format(Locale.ROOT, "round %d: by hand %d ms (+verify %d ms); orchestrated backup step %d ms, "
                            + "verify %d ms, request→succeeded %d ms", i + 1, hand.get(i), handVerify.get(i), o[1], o[2], o[0]));
                }
                String drill = post(port, "/api/restores", "{\"database\":\"bench\",\"keep_running\":false}");
                String restoreId = field(drill, "restore_id");
                String r;
                long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
                do {
                    Thread.sleep(1000);
                    r = get(port, "/api/restores/" + restoreId);
                } while (!r.contains("\"status\":\"succeeded\"") && !r.contains("\"status\":\"failed\"")
                        && System.nanoTime() < deadline);
                String rto = field(r, "rto_millis");
                String json = String.format(Locale.ROOT, "{\"database_bytes\":%d,\"pgbench_scale\":%d,\"rounds\":%d,"
                                + "\"by_hand_ms\":%s,\"by_hand_verify_ms\":%s,\"orchestrated_backup_step_ms\":%s,"
                                + "\"orchestrated_verify_ms\":%s,\"orchestrated_request_to_succeeded_ms\":%s,"
                                + "\"median_by_hand_ms\":%d,\"median_orchestrated_step_ms\":%d,\"median_request_to_succeeded_ms\":%d,"
                                + "\"step_ratio\":%.4f,\"end_to_end_vs_hand_plus_verify_ratio\":%.4f,\"restore_drill\":%s,"
                                + "\"load_average\":\"%s\"}",
                        dbBytes, scale, rounds, hand, handVerify, svcStep, svcVerify, svcTotal, median(hand), median(svcStep),
                        median(svcTotal), (double) median(svcStep) / median(hand),
                        (double) median(svcTotal) / (median(hand) + median(handVerify)), r,
                        Files.readString(Path.of("/proc/loadavg")).trim());
                Files.writeString(out, json);
                System.out.println(json);
                log("drill RTO " + rto + " ms");
            } finally {
                service.destroy();
                service.waitFor();
            }
        } finally {
            run(List.of("rm", "-rf", dir.toString()));
        }
    }

    /** POST /api/backups (full) and wait for the operation: {request→succeeded ms, backup step ms, verify ms}. */
    static long[] orchestrated(int port) throws Exception {
        long t0 = System.nanoTime();
        String op = post(port, "/api/backups", "{\"database\":\"bench\",\"type\":\"full\",\"reason\":\"benchmark\"}");
        String id = field(op, "id");
        String o;
        do {
            Thread.sleep(100);
            o = get(port, "/api/operations/" + id);
            if (o.contains("\"status\":\"failed\"")) {
                throw new IllegalStateException("orchestrated backup failed: " + o);
            }
        } while (!o.contains("\"status\":\"succeeded\""));
        long total = (System.nanoTime() - t0) / 1_000_000;
        return new long[] {total, Long.parseLong(field(o, "backup_ms")), Long.parseLong(field(o, "verify_ms"))};
    }

    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"?([^\",}]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1);
    }

    static long median(List<Long> values) {
        List<Long> s = new ArrayList<>(values);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    static String post(int port, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("X-API-Key", KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    static String get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("X-API-Key", KEY)
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static void awaitReady(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the service did not become ready");
    }

    static void run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    static void runEnv(List<String> cmd, String key, String value) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put(key, value);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void log(String message) {
        System.err.println("[backup-bench " + java.time.LocalTime.now().withNano(0) + "] " + message);
    }
}
