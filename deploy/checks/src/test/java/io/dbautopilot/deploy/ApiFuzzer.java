package io.dbautopilot.deploy;

import io.dbautopilot.localstack.postgres.ThrowawayPostgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Scenario 4: sends seeded random hostile requests (paths, query strings, bodies, headers, keys - none, garbage, viewer,
 * operator) to the services' {@code /api} operations and, for a tenth of them, raw malformed HTTP/1.1 over a socket
 * (what an HTTP client refuses to send); then checks no 5xx came back, no data-changing statement ran on the target
 * (pg_stat_statements) and nothing was created (rows of the tables the API writes to, in the state database).
 *
 * <p>An unknown HTTP version ({@code HTTP/9.9}) answered 501/505 is reported apart from the 5xx: RFC 9110 names 505
 * as the answer to it. Not sent with the operator key: {@code POST /api/emergency-stop}, whose body is only a free-text reason, so any
 * body is a valid request that puts a stop in force (created, by design).
 */
final class ApiFuzzer {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static final Map<String, List<String>> PATHS = Map.of(
            "perf", List.of("/api/targets", "/api/targets/{x}", "/api/targets/{x}/snapshot", "/api/targets/{x}/health",
                    "/api/targets/{x}/baselines", "/api/targets/{x}/baselines/compare", "/api/targets/{x}/recommendations",
                    "/api/targets/{x}/benchmarks", "/api/targets/{x}/benchmarks/{x}", "/api/targets/{x}/benchmarks/{x}/baseline",
                    "/api/anomalies", "/api/anomalies/{x}", "/api/anomalies/{x}/ack", "/api/silences", "/api/silences/{x}",
                    "/api/maintenance-windows", "/api/maintenance-windows/{x}", "/api/operations", "/api/fleet",
                    "/api/health/database", "/api/health/performance", "/api/health/partitions", "/api/live",
                    "/api/automation/backups", "/{x}", "/api/{x}", "/q/{x}"),
            "automation", List.of("/api/databases", "/api/operations", "/api/operations/{x}", "/api/operations/{x}/approve",
                    "/api/operations/{x}/cancel", "/api/partitions", "/api/backups", "/api/backups/{x}", "/api/backups/engines",
                    "/api/backups/overview", "/api/backups/{x}/verify", "/api/restores", "/api/restores/{x}",
                    "/api/migrations", "/api/migrations/{x}/validate", "/api/migrations/{x}/dry-run",
                    "/api/migrations/{x}/apply", "/api/migrations/{x}/undo", "/api/targets/{x}/autopilot-report",
                    "/api/emergency-stop", "/api/policies/simulate", "/{x}", "/api/{x}", "/q/{x}"));

    private static final List<String> HOSTILE = List.of("../../etc/passwd", "..%2f..%2fetc%2fpasswd", "rel-db'; DROP TABLE orders;--",
            "rel_target.public.orders; VACUUM FULL", "\"; SELECT pg_sleep(10); --", "${jndi:ldap://127.0.0.1/x}", "<script>alert(1)</script>",
            "a".repeat(5000), "\u0000", "%00", "%ff%fe", "ü☃\uD83D\uDE00", "-1", "99999999999999999999999", "null", ".", "",
            "$(touch /tmp/pwned)", "`id`", "\r\nX-Injected: 1", "00000000-0000-0000-0000-000000000000", "*", "%", "\\",
            "rel-db/../rel-db", "' OR '1'='1");
    private static final List<String> FIELDS = List.of("id", "engine", "url", "username", "credentials_ref", "database", "type",
            "object", "statement", "matchers", "starts_at", "ends_at", "schedule", "duration", "version", "target", "labels",
            "collection", "trust", "policy", "from", "to", "engine_choice", "path", "comment", "created_by");
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json", "text/plain",
            "application/xml", "multipart/form-data", "application/x-www-form-urlencoded", "garbage/../x",
            "application/json; charset=ebcdic", "*/*");
    private static final List<String> RAW = List.of(
            "GET /api/targets/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET /api/" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET /api/targets HTTP/1.1\r\nHost: x\r\nX-API-Key: a\u0000b\r\nConnection: close\r\n\r\n",
            "GET /api/targets HTTP/1.1\r\nHost: x\r\nX-API-Key: " + "k".repeat(20_000) + "\r\nConnection: close\r\n\r\n",
            "POST /api/targets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                    + "Connection: close\r\n\r\nzz\r\n{\r\n0\r\n\r\n",
            "POST /api/targets HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -5\r\n"
                    + "Connection: close\r\n\r\n{}",
            "GARBAGE\r\n\r\n",
            "GET /api/targets HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET /../../../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "POST /api/operations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n"
                    + "Content-Length: 40\r\nConnection: close\r\n\r\n{}",
            "GET /api/targets HTTP/1.1\r\nHost: x\r\n" + "X-H: v\r\n".repeat(3000) + "Connection: close\r\n\r\n");

    private final PerformanceInstances stack;
    private final ThrowawayPostgres target;
    private final String targetDb;
    private final Random random;

    ApiFuzzer(PerformanceInstances stack, ThrowawayPostgres target, String targetDb, long seed) {
        this.stack = stack;
        this.target = target;
        this.targetDb = targetDb;
        this.random = new Random(seed);
    }

    void run(ReliabilityReport report, int perService, List<String> services) throws Exception {
        Map<String, Long> rowsBefore = apiTables();
        long writesBefore = targetWrites();
        for (String service : services) {
            int healthBefore = ReliabilitySuiteTest.health(service);
            Map<String, Integer> statuses = new TreeMap<>();
            List<String> serverErrors = new ArrayList<>();
            List<String> unanswered = new ArrayList<>();
            long started = System.nanoTime();
            for (int i = 0; i < perService; i++) {
                String outcome;
                String what;
                if (random.nextInt(10) == 0) {
                    String raw = RAW.get(random.nextInt(RAW.size()));
                    what = "raw " + raw.substring(0, Math.min(60, raw.indexOf('\r') < 0 ? raw.length() : raw.indexOf('\r')));
                    outcome = raw(service, raw);
                    if (raw.contains(" HTTP/9.9") && List.of("501", "505").contains(outcome)) {
                        // RFC 9110 15.6.6: an unsupported HTTP major version is answered 505 (Vert.x: 501); a
                        // protocol answer, not a server failure - listed apart, not hidden
                        outcome = "HTTP/9.9 refused with " + outcome;
                    }
                } else {
                    Request r = request(service);
                    what = r.method + " " + abbreviate(r.path) + " key=" + r.keyKind + " body=" + describe(r.body)
                            + " content-type=" + r.headers.get("Content-Type");
                    outcome = send(service, r);
                }
                statuses.merge(outcome, 1, Integer::sum);
                if (outcome.startsWith("5") && serverErrors.size() < 8) {
                    serverErrors.add(outcome + " " + what);
                }
                if ((outcome.equals("timeout") || outcome.contains("no answer")) && unanswered.size() < 8) {
                    unanswered.add(what);
                }
            }
            long fives = statuses.entrySet().stream().filter(e -> e.getKey().startsWith("5")).mapToLong(Map.Entry::getValue).sum();
            report.check(service + ": no 5xx", String.format("%d requests in %.0f s, 5xx: %d %s; answers %s%s", perService,
                    (System.nanoTime() - started) / 1e9, fives, serverErrors, statuses,
                    unanswered.isEmpty() ? "" : "; not answered within the client's timeout (10 s): " + unanswered),
                    fives == 0);
            int healthAfter = ReliabilitySuiteTest.health(service);
            report.check(service + ": /health as before the fuzzing", "/health " + healthBefore + " before, " + healthAfter
                    + " after", healthAfter == 200 || healthAfter == healthBefore);
        }
        long writesAfter = targetWrites();
        report.check("no statement run on the target (pg_stat_statements: calls of non-read statements)",
                "before " + writesBefore + ", after " + writesAfter + (writesAfter != writesBefore ? ": " + targetWriteList() : ""),
                writesAfter == writesBefore);
        Map<String, Long> rowsAfter = apiTables();
        Map<String, String> changed = new TreeMap<>();
        rowsAfter.forEach((table, n) -> {
            if (!n.equals(rowsBefore.get(table))) {
                changed.put(table, rowsBefore.get(table) + " -> " + n);
            }
        });
        report.check("nothing created (rows of the tables the APIs write)", changed.isEmpty() ? "no change in " + rowsAfter.keySet()
                : "changed: " + changed, changed.isEmpty());
    }

    record Request(String method, String path, String keyKind, String key, String body, Map<String, String> headers) {
    }

    private Request request(String service) {
        List<String> paths = PATHS.get(service);
        String template = paths.get(random.nextInt(paths.size()));
        StringBuilder path = new StringBuilder();
        int at = 0;
        while (true) {
            int x = template.indexOf("{x}", at);
            if (x < 0) {
                path.append(template.substring(at));
                break;
            }
            path.append(template, at, x).append(segment());
            at = x + 3;
        }
        if (random.nextInt(3) == 0) {
            path.append('?').append(pick(FIELDS)).append('=').append(encode(pick(HOSTILE)))
                    .append("&limit=").append(encode(pick(List.of("-1", "0", "999999999999", "abc", "1e9", "NaN"))));
        }
        String method = pick(METHODS);
        int k = random.nextInt(4);
        String keyKind = switch (k) {
            case 0 -> "none";
            case 1 -> "garbage";
            case 2 -> "viewer";
            default -> "operator";
        };
        if ("operator".equals(keyKind) && "POST".equals(method) && path.toString().startsWith("/api/emergency-stop")) {
            keyKind = "viewer"; // see the class comment
        }
        String key = switch (keyKind) {
            case "none" -> null;
            case "garbage" -> pick(List.of("x", "' OR 1=1 --", "a".repeat(3000), PerformanceInstances.OPERATOR_KEY + "x",
                    PerformanceInstances.OPERATOR_KEY.toUpperCase()));
            case "viewer" -> PerformanceInstances.VIEWER_KEY;
            default -> PerformanceInstances.OPERATOR_KEY;
        };
        Map<String, String> headers = new TreeMap<>();
        headers.put("Content-Type", pick(CONTENT_TYPES));
        if (random.nextBoolean()) {
            headers.put(pick(List.of("Accept", "X-Forwarded-For", "X-Forwarded-Host", "Origin", "Accept-Language", "If-Match",
                    "X-Request-Id", "Accept-Encoding")), pick(List.of("*/*", "../../", "a".repeat(7000), "application/xml",
                    "127.0.0.1, evil", "gzip;q=abc", "\u00e9\u00e8", "\"")));
        }
        return new Request(method, path.toString(), keyKind, key, body(), headers);
    }

    private String segment() {
        String s = pick(HOSTILE);
        return random.nextInt(4) == 0 ? s.replace(" ", "%20").replace("\"", "%22") : encode(s);
    }

    private String body() {
        return switch (random.nextInt(9)) {
            case 0 -> null;
            case 1 -> "";
            case 2 -> pick(List.of("{", "null", "[]", "\"str\"", "123", "{\"a\":}", "{'single': 'quotes'}", "\u0000\u0001"));
            case 3 -> "[".repeat(5000) + "]".repeat(5000);
            case 4 -> "{\"" + pick(FIELDS) + "\": \"" + "x".repeat(1024 * 1024) + "\"}";
            case 5 -> {
                StringBuilder b = new StringBuilder("{");
                int n = 1 + random.nextInt(6);
                for (int i = 0; i < n; i++) {
                    b.append(i == 0 ? "" : ",").append('"').append(pick(FIELDS)).append("\": ")
                            .append(pick(List.of("1", "true", "[]", "{}", "null", "-1e308", "\"" + jsonEscape(pick(HOSTILE)) + "\"")));
                }
                yield b.append('}').toString();
            }
            case 6 -> "{\"id\": \"" + jsonEscape(pick(HOSTILE)) + "\", \"engine\": \"postgresql\", \"url\": \"postgresql://"
                    + jsonEscape(pick(HOSTILE)) + ":5432/x\", \"credentials_ref\": \"file:/etc/shadow\"}";
            case 7 -> "{\"database\": \"" + jsonEscape(pick(HOSTILE)) + "\", \"type\": \"" + pick(List.of("vacuum", "drop_index",
                    "terminate", "backup", "sql", "../x")) + "\", \"object\": \"" + jsonEscape(pick(HOSTILE)) + "\"}";
            default -> "{\"a\": 1, \"a\": 2, \"__proto__\": {\"admin\": true}, \"\\u0000\": \"\\ud800\"}";
        };
    }

    private String send(String service, Request r) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.port(service) + r.path))
                    .timeout(Duration.ofSeconds(10))
                    .method(r.method, r.body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(r.body));
            if (r.key != null) {
                b.header("X-API-Key", r.key);
            }
            r.headers.forEach(b::header);
            return Integer.toString(HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        } catch (IllegalArgumentException refusedByTheClient) {
            return "not sent (client refused)";
        } catch (java.net.http.HttpTimeoutException e) {
            return "timeout";
        } catch (IOException e) {
            return "connection: " + e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /** Writes raw bytes and reads the status code of the answer's first line (an HTTP client refuses these). */
    private String raw(String service, String request) {
        try (Socket s = new Socket("127.0.0.1", stack.port(service))) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            int c;
            while ((c = in.read()) != -1 && c != '\n' && line.length() < 200) {
                line.append((char) c);
            }
            String[] parts = line.toString().trim().split(" ");
            return parts.length >= 2 && parts[0].startsWith("HTTP/") ? parts[1] : "raw: closed without a status";
        } catch (java.net.SocketTimeoutException e) {
            return "raw: no answer in 10 s";
        } catch (IOException e) {
            return "raw: " + e.getClass().getSimpleName();
        }
    }

    /** Rows of the tables the two APIs write to (not those collection, detection and intake change by themselves). */
    private Map<String, Long> apiTables() throws Exception {
        Map<String, Long> rows = new TreeMap<>();
        List<String> tables = new ArrayList<>();
        try (Connection c = stack.postgres.connect("autopilot_state"); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT schemaname || '.' || relname FROM pg_stat_user_tables"
                    + " WHERE schemaname IN ('performance', 'automation')"
                    + " AND relname ~ '(operation|backup|restore|silence|maintenance_window|emergency|baseline|benchmark|migration|approval|target)'"
                    + " AND relname !~ '(target_status|outbox|series|cursor|sequence)' ORDER BY 1")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            for (String t : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + t)) {
                    rs.next();
                    rows.put(t, rs.getLong(1));
                }
            }
        }
        HttpResponse<String> targets = stack.send("perf", "GET", "/api/targets", PerformanceInstances.VIEWER_KEY, null);
        rows.put("GET /api/targets (registry)", (long) Repo.JSON.readTree(targets.body()).size());
        return rows;
    }

    private static final String WRITES = "FROM pg_stat_statements WHERE query !~* '^\\s*(select|with|show|set|reset|begin|"
            + "start|commit|rollback|discard|deallocate|explain|fetch|declare|close|savepoint|release)\\M'";

    private long targetWrites() throws Exception {
        try (Connection c = target.connect(targetDb); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(sum(calls), 0) " + WRITES)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private String targetWriteList() throws Exception {
        List<String> list = new ArrayList<>();
        try (Connection c = target.connect(targetDb); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT calls, left(query, 80) " + WRITES + " ORDER BY calls DESC LIMIT 10")) {
            while (rs.next()) {
                list.add(rs.getLong(1) + "x " + rs.getString(2));
            }
        }
        return list.toString();
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                b.append('\\').append(ch);
            } else if (ch < 0x20) {
                b.append(String.format("\\u%04x", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    private static String describe(String body) {
        if (body == null) {
            return "none";
        }
        return body.length() > 60 ? body.length() + " chars starting " + abbreviate(body.substring(0, 30)) : abbreviate(body);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
