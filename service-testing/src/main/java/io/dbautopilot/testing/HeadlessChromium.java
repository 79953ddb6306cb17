package io.dbautopilot.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real headless Chromium (Debian package {@code chromium}) driven over the Chrome DevTools Protocol on a
 * WebSocket, for end-to-end tests of the dashboard: navigate, evaluate JavaScript in the page, take screenshots.
 */
public final class HeadlessChromium implements AutoCloseable {

    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long {@link #navigate} waits for the new document to finish loading (a loaded machine is slow). */
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> consoleErrors = new ArrayList<>();
    private final String sessionId;

    private HeadlessChromium(Process process, Path profile, WebSocket socket, Listener listener) throws Exception {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
        listener.owner = this;
        JsonNode target = send(null, "Target.createTarget", Map.of("url", "about:blank"));
        JsonNode attached = send(null, "Target.attachToTarget",
                Map.of("targetId", target.get("targetId").asText(), "flatten", true));
        this.sessionId = attached.get("sessionId").asText();
        send(sessionId, "Runtime.enable", Map.of());
        send(sessionId, "Emulation.setDeviceMetricsOverride",
                Map.of("width", 1400, "height", 1100, "deviceScaleFactor", 1, "mobile", false));
    }

    /** Starts Chromium, or fails saying which package to install. */
    public static HeadlessChromium launch() throws Exception {
        String binary = findBinary();
        Path profile = Files.createTempDirectory("dbautopilot-chromium");
        List<String> cmd = List.of(binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--remote-debugging-port=0", "--user-data-dir=" + profile, "about:blank");
        Process process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        CompletableFuture<String> wsUrl = new CompletableFuture<>();
        StringBuilder output = new StringBuilder();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    Matcher m = DEVTOOLS.matcher(line);
                    if (m.find()) {
                        wsUrl.complete(m.group(1));
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
            wsUrl.completeExceptionally(new IllegalStateException("chromium exited before opening DevTools:\n" + output));
        }, "chromium-output");
        reader.setDaemon(true);
        reader.start();
        String url;
        try {
            url = wsUrl.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("headless chromium did not start: " + e.getMessage() + "\n" + output, e);
        }
        Listener listener = new Listener();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(url), listener).get(30, TimeUnit.SECONDS);
        return new HeadlessChromium(process, profile, socket, listener);
    }

    private static String findBinary() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException("No Chromium found (looked for /usr/bin/chromium, chromium-browser, google-chrome). "
                + "The dashboard's end-to-end test needs a headless browser: install the Debian package 'chromium' "
                + "(sudo apt-get install -y --no-install-recommends chromium; deploy/test.sh does this).");
    }

    /** Opens a URL in the page and waits until it loaded. */
    public void navigate(String url) throws Exception {
        send(sessionId, "Page.enable", Map.of());
        // Page.navigate answers once the navigation is committed, before the new document's scripts ran: mark the
        // current document, then wait for a document without the mark that finished loading
        evaluate("window.__leaving = true");
        send(sessionId, "Page.navigate", Map.of("url", url));
        long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
        while (true) {
            try {
                if (evaluate("!window.__leaving && document.readyState === 'complete'").asBoolean()) {
                    return;
                }
            } catch (IllegalStateException e) {
                // the context was replaced while evaluating: the new document is on its way
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(url + " did not finish loading within " + LOAD_TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    /** Evaluates a JavaScript expression in the page and returns its JSON value (awaiting promises). */
    public JsonNode evaluate(String expression) throws Exception {
        JsonNode result = send(sessionId, "Runtime.evaluate",
                Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("script failed: " + result.get("exceptionDetails"));
        }
        JsonNode value = result.path("result").get("value");
        return value == null ? JSON.nullNode() : value;
    }

    /** Saves a PNG of the whole page. */
    public void screenshot(Path file) throws Exception {
        JsonNode shot = send(sessionId, "Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true));
        Files.createDirectories(file.getParent());
        Files.write(file, Base64.getDecoder().decode(shot.get("data").asText()));
    }

    /**
     * Makes the browser answer requests whose URL matches one of the patterns ({@code *} wildcards) with 404, as a
     * service without those endpoints would: for testing how the page degrades. Must precede {@link #navigate}.
     */
    public void answer404(String... urlPatterns) throws Exception {
        List<Map<String, Object>> patterns = new ArrayList<>();
        for (String p : urlPatterns) {
            patterns.add(Map.of("urlPattern", p, "requestStage", "Request"));
        }
        send(sessionId, "Fetch.enable", Map.of("patterns", patterns));
    }

    /** Console errors and uncaught exceptions the page reported so far. */
    public synchronized List<String> consoleErrors() {
        return List.copyOf(consoleErrors);
    }

    private JsonNode send(String session, String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id);
        message.put("method", method);
        message.set("params", JSON.valueToTree(params));
        if (session != null) {
            message.put("sessionId", session);
        }
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        sendRaw(JSON.writeValueAsString(message));
        JsonNode answer = reply.get(60, TimeUnit.SECONDS);
        if (answer.has("error")) {
            throw new IllegalStateException(method + " failed: " + answer.get("error"));
        }
        return answer.get("result");
    }

    /** One send at a time: the JDK WebSocket refuses a send while another is pending. */
    private synchronized void sendRaw(String text) {
        socket.sendText(text, true).orTimeout(30, TimeUnit.SECONDS).join();
    }

    private void onMessage(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            if (node.has("id")) {
                CompletableFuture<JsonNode> reply = pending.remove(node.get("id").asInt());
                if (reply != null) {
                    reply.complete(node);
                }
            } else if ("Fetch.requestPaused".equals(node.path("method").asText())) {
                // answered without waiting: replies arrive on this very listener thread
                ObjectNode fulfil = JSON.createObjectNode();
                fulfil.put("id", ids.incrementAndGet());
                fulfil.put("method", "Fetch.fulfillRequest");
                fulfil.put("sessionId", node.path("sessionId").asText());
                ObjectNode params = fulfil.putObject("params");
                params.put("requestId", node.at("/params/requestId").asText());
                params.put("responseCode", 404);
                params.putArray("responseHeaders").addObject().put("name", "Content-Type").put("value", "application/problem+json");
                params.put("body", Base64.getEncoder().encodeToString(
                        "{\"status\":404,\"title\":\"Not Found\"}".getBytes(StandardCharsets.UTF_8)));
                sendRaw(JSON.writeValueAsString(fulfil));
            } else if ("Runtime.exceptionThrown".equals(node.path("method").asText())) {
                synchronized (this) {
                    consoleErrors.add(node.path("params").path("exceptionDetails").toString());
                }
            } else if ("Runtime.consoleAPICalled".equals(node.path("method").asText())
                    && "error".equals(node.path("params").path("type").asText())) {
                synchronized (this) {
                    consoleErrors.add(node.path("params").path("args").toString());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("unreadable DevTools message: " + text, e);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the browser goes away anyway
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        // Chromium's helper processes may still write the profile for a moment after the browser exited
        for (int attempt = 0; attempt < 10 && Files.exists(profile); attempt++) {
            try (var files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException stillChanging) {
                Thread.sleep(300);
            }
        }
    }

    /** Collects fragmented WebSocket text frames into whole DevTools messages. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        private volatile HeadlessChromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (owner != null) {
                    owner.onMessage(text);
                } else {
                    // replies before the constructor finished cannot happen: every request is sent by the owner
                    throw new IllegalStateException("DevTools message before the driver was ready: " + text);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
