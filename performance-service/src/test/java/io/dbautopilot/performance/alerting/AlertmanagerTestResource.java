package io.dbautopilot.performance.alerting;

import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Starts the real Debian {@code prometheus-alertmanager} on a free loopback port (config and storage in a temporary
 * directory, clustering off) and points the service's Alertmanager output at it; also reserves a loopback port for
 * the webhook output (the test itself listens there; its URL carries a token in the query string) and logs the
 * service to a file. Short intervals and backoff so a test sees retries quickly.
 */
public class AlertmanagerTestResource implements QuarkusTestResourceLifecycleManager {

    static final String BINARY = "/usr/bin/prometheus-alertmanager";

    private Process process;
    private Path dir;
    private AlertReceivers receivers;

    @Override
    public Map<String, String> start() {
        if (!Files.isExecutable(Path.of(BINARY))) {
            throw new IllegalStateException(BINARY + " is not installed (Debian package prometheus-alertmanager)");
        }
        try {
            dir = Files.createTempDirectory("alertmanager-test");
            Files.writeString(dir.resolve("alertmanager.yml"), """
                    route:
                      receiver: blackhole
                      group_wait: 1s
                    receivers:
                      - name: blackhole
                    """);
            int port = freePort();
            process = new ProcessBuilder(BINARY, "--config.file=" + dir.resolve("alertmanager.yml"),
                    "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                    "--cluster.listen-address=").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
            String url = "http://127.0.0.1:" + port;
            awaitReady(url);
            receivers = new AlertReceivers(url, freePort(), "hook-token-" + java.util.UUID.randomUUID(),
                    dir.resolve("service.log"));
            return Map.of(
                    "autopilot.alerting.alertmanager-url", url,
                    "autopilot.alerting.alertmanager-interval", "1s",
                    "autopilot.alerting.webhook-url", "http://127.0.0.1:" + receivers.webhookPort() + "/hook?token="
                            + receivers.webhookToken(),
                    "quarkus.log.file.enabled", "true",
                    "quarkus.log.file.path", receivers.serviceLog().toString(),
                    "autopilot.alerting.webhook-interval", "500ms",
                    "autopilot.alerting.initial-backoff", "200ms",
                    "autopilot.alerting.max-backoff", "2s",
                    "autopilot.alerting.external-url", "http://autopilot.example:8085");
        } catch (IOException e) {
            stop();
            throw new IllegalStateException("cannot start " + BINARY + ": " + e.getMessage(), e);
        }
    }

    private void awaitReady(String url) throws IOException {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("alertmanager exited: " + Files.readString(dir.resolve("alertmanager.log")));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        throw new IOException("alertmanager not ready within 60 s: " + Files.readString(dir.resolve("alertmanager.log")));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(receivers, new TestInjector.AnnotatedAndMatchesType(InjectInfra.class, AlertReceivers.class));
    }

    @Override
    public void stop() {
        if (process != null) {
            process.destroy();
            try {
                if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // temporary directory: best effort
            }
        }
    }
}
