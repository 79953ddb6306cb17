package io.dbautopilot.testing;

import io.restassured.RestAssured;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.path.json.JsonPath;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Hostile requests against every {@code /api} operation of a running service's OpenAPI document, reproducible from a
 * seed: hostile path and query values (NUL, {@code ..}, very long, unicode, SQL and shell metacharacters), hostile
 * JSON bodies (NUL, wrong types, deep nesting, huge strings, invalid JSON, wrong content types) and hostile headers
 * (bad keys, huge headers), with a viewer and an operator key. {@link #run} collects every answer that breaks the
 * contract: a 5xx, or a 4xx that is not {@code application/problem+json} with its status.
 */
public final class ApiFuzz {

    /** Marker in hostile strings: a statement text holding it means a value was concatenated into SQL. */
    public static final String MARKER = "fuzzmark";

    /** Statuses the HTTP layer answers itself before any application code (no problem document possible there). */
    private static final List<Integer> HTTP_LAYER = List.of(413, 414, 431);

    /** One operation: method, path template, its path and query parameter names, its body's field names. */
    record Operation(String method, String template, List<String> query, List<String> fields) {
        boolean write() {
            return !method.equals("GET") && !method.equals("HEAD");
        }
    }

    /** Outcome of a run: statuses seen (count by status) and the contract violations, each with its request. */
    public record Result(int sent, Map<Integer, Integer> statuses, List<String> violations, int httpLayerRejections) {
    }

    private static final String[] PATH_VALUES = {
        "%00", "a%00b", "..", "%2e%2e", "..%2f..%2fetc%2fpasswd", "%2e%2e%2f%2e%2e%2f", "~", "%25", "%25zz",
        "%F0%9F%92%A3", "%E2%80%AE" + MARKER, "%C3%BC%E6%97%A5%E6%9C%AC", "%27%3B%20DROP%20TABLE%20x%3B--" + MARKER,
        "%24(id)" + MARKER, "%60id%60", "%7C%20cat%20%2Fetc%2Fpasswd", "%3Bls", "%0d%0aX-Injected:%201",
        "-1", "0", "99999999999999999999999", "00000000-0000-0000-0000-000000000000", "null", "undefined",
        "%7B%7D", "%5B%5D", "%22", "%5C", "'", "*", "%2A",
    };

    private static final String[] STRING_BASES = {
        "", " ", "..", "../../etc/passwd", "/", "~.*", ".*", "(a+)+$", "'; DROP TABLE automation.operation;--" + MARKER,
        "\" OR 1=1 --" + MARKER, "$(touch /tmp/pwned)" + MARKER, "`id`" + MARKER, "| cat /etc/passwd", "; rm -rf /",
        "\u202e" + MARKER, "日本語" + MARKER, "💣" + MARKER, "\uFFFF", "\\", "%s%s%s%n", "${jndi:ldap://x}",
        "-1", "public.\"x\"\"; DROP\"", "postgresql://u:p@h:1/d?sslmode=disable", "file:/etc/shadow",
    };

    private static final String[] CONTENT_TYPES = {
        "application/json", "application/json", "application/json", "text/plain", "application/xml",
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-7",
        "*/*", "application/problem+json", "",
    };

    private static final ObjectMapper PROBLEM_READER = new ObjectMapper();

    /** Requests in flight at once. */
    private static final int CONCURRENCY = Integer.getInteger("fuzz.concurrency", 4);

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private final Random random;
    private final String viewerKey;
    private final String operatorKey;

    private ApiFuzz(long seed, String viewerKey, String operatorKey) {
        this.random = new Random(seed);
        this.viewerKey = viewerKey;
        this.operatorKey = operatorKey;
    }

    /** Sends {@code requests} hostile requests (seeded) to the running service and returns what it answered. */
    public static Result run(long seed, int requests, String viewerKey, String operatorKey) {
        return new ApiFuzz(seed, viewerKey, operatorKey).send(requests);
    }

    private Result send(int requests) {
        List<Operation> operations = operations();
        Tally tally = new Tally();
        long started = System.nanoTime();
        // Requests are generated one after the other from the seeded generator (so the set of requests reproduces),
        // and sent CONCURRENCY at a time: the service answers several callers at once in production too, and the
        // run takes a fraction of the time a strictly sequential one did.
        ExecutorService senders = Executors.newFixedThreadPool(CONCURRENCY);
        Semaphore inFlight = new Semaphore(CONCURRENCY);
        try {
            for (int i = 0; i < requests; i++) {
                if (i % 1000 == 0) {
                    System.out.printf("API fuzz: %d of %d sent in %d ms, %d violations so far%n", i, requests,
                            (System.nanoTime() - started) / 1_000_000, tally.violations());
                }
                HttpRequest request = request(operations.get(random.nextInt(operations.size())));
                inFlight.acquireUninterruptibly();
                int index = i;
                senders.execute(() -> {
                    try {
                        check(index, request, tally);
                    } finally {
                        inFlight.release();
                    }
                });
            }
            inFlight.acquireUninterruptibly(CONCURRENCY);
        } finally {
            senders.shutdownNow();
        }
        System.out.printf("API fuzz: %d sent in %d ms (%d at a time); %d sent again on a new connection%n", requests,
                (System.nanoTime() - started) / 1_000_000, CONCURRENCY, tally.reconnects);
        return tally.result(requests);
    }

    /** Sends request number {@code i} and records its answer (or the contract it broke) in {@code tally}. */
    private static void check(int i, HttpRequest request, Tally tally) {
        long sentAt = System.nanoTime();
        int status;
        String type;
        String body;
        try {
            HttpResponse<InputStream> r;
            try {
                r = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (IOException closed) {
                if (!String.valueOf(closed.getMessage()).contains("received no bytes")) {
                    throw closed;
                }
                // a kept-alive connection the server had closed after an earlier (unread) request: once more,
                // on a new connection, as any HTTP client does
                tally.reconnected();
                r = HTTP.send(request, HttpResponse.BodyHandlers.ofInputStream());
            }
            status = r.statusCode();
            type = r.headers().firstValue("Content-Type").orElse("");
            try (InputStream in = r.body()) {
                body = type.startsWith("text/event-stream") ? "" : new String(in.readNBytes(64 * 1024),
                        StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            if (request.headers().map().values().stream().flatMap(List::stream).anyMatch(v -> v.length() > 20_000)) {
                tally.httpLayer(0); // headers over the HTTP layer's limit: it may drop the connection without an answer
                return;
            }
            String headers = request.headers().map().entrySet().stream().map(h -> h.getKey() + "=" + h.getValue()
                    .stream().map(v -> v.length() > 60 ? v.substring(0, 60) + "…(" + v.length() + ")" : v).toList())
                    .toList().toString();
            tally.violation(i, describe(request) + " " + headers + ": no answer (" + e + ")");
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        long took = (System.nanoTime() - sentAt) / 1_000_000;
        if (took > 2_000) {
            System.out.printf("API fuzz: #%d %s took %d ms (%d)%n", i, describe(request), took, status);
        }
        if (status >= 500) {
            tally.violation(i, describe(request) + ": " + status + " " + body);
        } else if (status >= 400 && HTTP_LAYER.contains(status) && !type.startsWith("application/problem+json")) {
            tally.httpLayer(status);
            return;
        } else if (status >= 400) {
            if (!type.startsWith("application/problem+json")) {
                tally.violation(i, describe(request) + ": " + status + " with content type '" + type + "': " + body);
            } else {
                try {
                    // Jackson, not RestAssured's JsonPath: that one compiles a Groovy expression per call (class
                    // loading under a lock), which made the 10,000-request run several times slower
                    JsonNode problem = PROBLEM_READER.readTree(body);
                    int declared = problem.path("status").asInt(-1);
                    String detail = problem.path("detail").isTextual() ? problem.get("detail").asText() : null;
                    if (declared != status || detail == null || detail.isBlank()) {
                        tally.violation(i, describe(request) + ": problem document without its status or detail: "
                                + body);
                    }
                } catch (IOException | RuntimeException e) {
                    tally.violation(i, describe(request) + ": problem body is not JSON: " + body);
                }
            }
        }
        tally.status(status);
    }

    /** What the concurrent senders saw, counted under one lock; violations in request order at the end. */
    private static final class Tally {
        private final Map<Integer, Integer> statuses = new TreeMap<>();
        private final Map<Integer, String> violations = new TreeMap<>();
        private int httpLayer;
        private int reconnects;

        synchronized void status(int status) {
            statuses.merge(status, 1, Integer::sum);
        }

        synchronized void httpLayer(int status) {
            httpLayer++;
            if (status > 0) {
                statuses.merge(status, 1, Integer::sum);
            }
        }

        synchronized void reconnected() {
            reconnects++;
        }

        synchronized void violation(int i, String what) {
            violations.put(i, "#" + i + " " + what);
            System.out.println("API fuzz: #" + i + " " + what);
        }

        synchronized int violations() {
            return violations.size();
        }

        synchronized Result result(int sent) {
            return new Result(sent, new TreeMap<>(statuses), new ArrayList<>(violations.values()), httpLayer);
        }
    }

    private static String describe(HttpRequest r) {
        String uri = r.uri().toString();
        return r.method() + " " + (uri.length() > 300 ? uri.substring(0, 300) + "…" : uri);
    }

    private HttpRequest request(Operation op) {
        String path = op.template();
        while (path.contains("{")) {
            int open = path.indexOf('{');
            int close = path.indexOf('}', open);
            path = path.substring(0, open) + pathValue() + path.substring(close + 1);
        }
        StringBuilder query = new StringBuilder();
        for (String name : op.query()) {
            if (random.nextInt(3) > 0) {
                query.append(query.length() == 0 ? '?' : '&').append(name).append('=').append(queryValue());
            }
        }
        if (random.nextInt(10) == 0) {
            query.append(query.length() == 0 ? '?' : '&').append("%00x=").append(queryValue());
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + path
                + query)).timeout(Duration.ofSeconds(5));
        headers(b);
        if (op.write()) {
            String contentType = CONTENT_TYPES[random.nextInt(CONTENT_TYPES.length)];
            if (!contentType.isEmpty()) {
                b.header("Content-Type", contentType);
            }
            byte[] body = body(op);
            b.method(op.method(), body.length == 0 && random.nextBoolean() ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
        } else {
            b.method(op.method(), HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    private void headers(HttpRequest.Builder b) {
        String key = random.nextBoolean() ? viewerKey : operatorKey;
        switch (random.nextInt(12)) {
            case 0 -> b.header("X-API-Key", key + "x");
            case 1 -> b.header("X-API-Key", "' OR '1'='1 " + MARKER);
            case 2 -> b.header("Authorization", "Bearer " + "k".repeat(8_000));
            case 3 -> b.header("Authorization", "Basic dXNlcjpwYXNz");
            case 4 -> b.header("Authorization", "Bearer");
            case 5 -> {
                b.header("X-API-Key", key);
                b.header("X-API-Key", key.equals(viewerKey) ? operatorKey : viewerKey);
            }
            case 6 -> {
                b.header("X-API-Key", key);
                b.header("X-Padding", "p".repeat(random.nextInt(4) == 0 ? 70_000 : 8_000));
            }
            case 7 -> {
                b.header("Authorization", "Bearer " + key);
                b.header("Accept", random.nextBoolean() ? "application/xml" : "text/html;q=0.1, */*;q=0");
            }
            default -> b.header(random.nextBoolean() ? "X-API-Key" : "Authorization",
                    random.nextBoolean() && !key.isEmpty() ? key : "Bearer " + key);
        }
    }

    private String pathValue() {
        return switch (random.nextInt(6)) {
            case 0 -> "a".repeat(200 + random.nextInt(3_000));
            case 1 -> "%00".repeat(1 + random.nextInt(50));
            default -> PATH_VALUES[random.nextInt(PATH_VALUES.length)];
        };
    }

    private String queryValue() {
        if (random.nextInt(4) == 0) {
            return PATH_VALUES[random.nextInt(PATH_VALUES.length)];
        }
        return URLEncoder.encode(hostileString(false), StandardCharsets.UTF_8);
    }

    /** A hostile string; {@code invalid} ones always hold a character no API value may hold (NUL or another control). */
    private String hostileString(boolean invalid) {
        String base = STRING_BASES[random.nextInt(STRING_BASES.length)];
        if (random.nextInt(20) == 0) {
            base = base + "x".repeat(100_000 + random.nextInt(200_000));
        }
        if (!invalid && random.nextBoolean()) {
            return base;
        }
        char bad = invalid ? '\0' : (char) random.nextInt(32);
        int at = random.nextInt(base.length() + 1);
        return base.substring(0, at) + bad + base.substring(at);
    }

    private byte[] body(Operation op) {
        String text = switch (random.nextInt(12)) {
            case 0 -> "{";
            case 1 -> "{\"a\": }";
            case 2 -> "nul";
            case 3 -> "[" .repeat(5_000) + "]".repeat(5_000);
            case 4 -> "{\"a\":".repeat(3_000) + "1" + "}".repeat(3_000);
            case 5 -> "";
            case 6 -> "\"" + MARKER + "\"";
            case 7 -> "[{}]";
            case 9 -> structural(op);
            case 8 -> {
                byte[] raw = ("{\"" + first(op) + "\":\"a\u0000b\"}").getBytes(StandardCharsets.UTF_8);
                yield new String(raw, StandardCharsets.UTF_8);
            }
            default -> object(op);
        };
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Every field given [[1]]: a type no field of any API takes, so nothing can be accepted. */
    private String structural(Operation op) {
        List<String> fields = op.fields().isEmpty() ? List.of("name") : op.fields();
        StringBuilder out = new StringBuilder("{");
        for (String f : fields) {
            out.append(out.length() == 1 ? "" : ",").append(jsonString(f)).append(":[[1]]");
        }
        return out.append('}').toString();
    }

    private String first(Operation op) {
        return op.fields().isEmpty() ? "name" : op.fields().get(random.nextInt(op.fields().size()));
    }

    /** A JSON object over the operation's fields, one of them certainly invalid (a NUL/control char or wrong type). */
    private String object(Operation op) {
        List<String> fields = op.fields().isEmpty() ? List.of("name", "id", "database", "target", "reason")
                : op.fields();
        Map<String, String> values = new LinkedHashMap<>();
        String certain = fields.get(random.nextInt(fields.size()));
        for (String f : fields) {
            values.put(f, value(f.equals(certain)));
        }
        if (random.nextInt(5) == 0) {
            values.put(jsonString("k\u0000" + MARKER), "1");
        }
        StringBuilder out = new StringBuilder("{");
        values.forEach((k, v) -> out.append(out.length() == 1 ? "" : ",").append(k.startsWith("\"") ? k
                : jsonString(k)).append(':').append(v));
        return out.append('}').toString();
    }

    private String value(boolean invalid) {
        int kind = random.nextInt(invalid ? 4 : 10);
        return switch (kind) {
            case 0 -> jsonString(hostileString(true));
            case 1 -> "[" + jsonString(hostileString(true)) + ", {\"x\": [[]]}]";
            case 2 -> "{\"nested\": " + "[".repeat(300) + "\"\\u0000\"" + "]".repeat(300) + "}";
            case 3 -> "{\"$ne\": \"\\u0000\"}";
            case 4 -> "1e309";
            case 5 -> "-99999999999999999999999";
            case 6 -> "true";
            case 7 -> "null";
            default -> jsonString(hostileString(false));
        };
    }

    private static String jsonString(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** Every /api operation of the OpenAPI document with its query parameters and body fields. */
    @SuppressWarnings("unchecked")
    static List<Operation> operations() {
        JsonPath doc = RestAssured.given().accept("application/json").get("/q/openapi?format=json").then()
                .statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> paths = doc.getMap("paths");
        Map<String, Object> schemas = doc.getMap("components.schemas") == null ? Map.of() : doc.getMap("components.schemas");
        List<Operation> out = new ArrayList<>();
        paths.forEach((template, operations) -> {
            if (!template.startsWith("/api")) {
                return;
            }
            operations.forEach((method, raw) -> {
                if (!List.of("get", "put", "post", "delete", "patch").contains(method) || !(raw instanceof Map<?, ?> m)) {
                    return;
                }
                List<String> query = new ArrayList<>();
                if (m.get("parameters") instanceof List<?> params) {
                    for (Object p : params) {
                        if (p instanceof Map<?, ?> pm && "query".equals(pm.get("in"))) {
                            query.add(String.valueOf(pm.get("name")));
                        }
                    }
                }
                List<String> fields = new ArrayList<>();
                if (m.get("requestBody") instanceof Map<?, ?> rb && rb.get("content") instanceof Map<?, ?> content) {
                    for (Object media : content.values()) {
                        if (media instanceof Map<?, ?> mm && mm.get("schema") instanceof Map<?, ?> schema) {
                            Object ref = schema.get("$ref");
                            Object resolved = ref == null ? schema
                                    : schemas.get(String.valueOf(ref).substring(String.valueOf(ref).lastIndexOf('/') + 1));
                            if (resolved instanceof Map<?, ?> rs && rs.get("properties") instanceof Map<?, ?> props) {
                                props.keySet().forEach(k -> fields.add(String.valueOf(k)));
                            }
                        }
                    }
                }
                out.add(new Operation(method.toUpperCase(Locale.ROOT), template, query, fields));
            });
        });
        if (out.isEmpty()) {
            throw new AssertionError("the OpenAPI document lists no /api operation");
        }
        return out;
    }
}
