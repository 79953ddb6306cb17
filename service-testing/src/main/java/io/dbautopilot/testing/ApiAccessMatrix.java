package io.dbautopilot.testing;

import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The access matrix of a running service, checked against every {@code /api} operation its OpenAPI document lists:
 * each call is a real HTTP request, path parameters filled with ids that exist nowhere (so an allowed write fails
 * on its input, never on access, and changes nothing).
 */
public final class ApiAccessMatrix {

    /** One operation of the OpenAPI document. */
    public record Endpoint(String method, String template, String path) {

        /** Whether it changes state (anything but GET / HEAD). */
        public boolean write() {
            return !method.equals("GET") && !method.equals("HEAD");
        }

        @Override
        public String toString() {
            return method + " " + template;
        }
    }

    private ApiAccessMatrix() {
    }

    /** Every {@code /api} operation the service's OpenAPI document lists; fails when it lists none. */
    public static List<Endpoint> endpoints() {
        JsonPath doc = RestAssured.given().accept("application/json").get("/q/openapi?format=json").then()
                .statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> paths = doc.getMap("paths");
        List<Endpoint> endpoints = new ArrayList<>();
        paths.forEach((template, operations) -> {
            if (!template.equals("/api") && !template.startsWith("/api/")) {
                return;
            }
            String path = template.replaceAll("\\{[^}]+}", "no-such-id-0");
            for (String method : operations.keySet()) {
                if (List.of("get", "put", "post", "delete", "patch", "head").contains(method)) {
                    endpoints.add(new Endpoint(method.toUpperCase(Locale.ROOT), template, path));
                }
            }
        });
        assertFalse(endpoints.isEmpty(), "the OpenAPI document lists no /api operation");
        System.out.printf("Access matrix over %d /api operations (%d mutations): %s%n", endpoints.size(),
                endpoints.stream().filter(Endpoint::write).count(), endpoints);
        assertTrue(endpoints.stream().anyMatch(Endpoint::write), "the OpenAPI document lists no /api mutation");
        return endpoints;
    }

    /** An answer: status, headers that matter, and the body (not read for an event stream). */
    public record Answer(int statusCode, String contentType, String wwwAuthenticate, String body) {

        /** The problem document's detail. */
        String detail() {
            return body.isEmpty() ? null : JsonPath.from(body).getString("detail");
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /**
     * Sends {@code endpoint} with an empty JSON body where it takes one, with the headers of {@code auth}
     * (name, value pairs). An event stream's body is not read (it never ends): its status and headers tell.
     */
    public static Answer call(Endpoint endpoint, String... auth) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port
                + endpoint.path())).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < auth.length; i += 2) {
            b.header(auth[i], auth[i + 1]);
        }
        if (endpoint.write() && !endpoint.method().equals("DELETE")) {
            b.header("Content-Type", "application/json").method(endpoint.method(), HttpRequest.BodyPublishers.ofString("{}"));
        } else {
            b.method(endpoint.method(), HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<InputStream> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            String type = r.headers().firstValue("Content-Type").orElse("");
            String body;
            try (InputStream in = r.body()) {
                body = type.startsWith("text/event-stream") ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return new Answer(r.statusCode(), type, r.headers().firstValue("WWW-Authenticate").orElse(null), body);
        } catch (IOException e) {
            throw new UncheckedIOException(endpoint + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** With keys configured: no key, a wrong key, a viewer key and an operator key against every operation. */
    public static void assertKeysConfigured(String viewerKey, String operatorKey) {
        for (Endpoint e : endpoints()) {
            assertUnauthorized(e, call(e), "an API key is required");
            assertUnauthorized(e, call(e, "X-API-Key", "wrong-key-" + viewerKey), "not valid");
            assertUnauthorized(e, call(e, "Authorization", "Bearer wrong-key-" + operatorKey), "not valid");
            Answer viewer = call(e, "X-API-Key", viewerKey);
            if (e.write()) {
                assertProblem(e, viewer, 403, "needs an operator key");
            } else {
                assertAllowed(e, viewer, "viewer");
            }
            assertAllowed(e, call(e, "X-API-Key", operatorKey), "operator (X-API-Key)");
            assertAllowed(e, call(e, "Authorization", "Bearer " + operatorKey), "operator (Bearer)");
        }
    }

    /** With no key configured and {@code autopilot.api.open} unset: reads open, every write 401 naming the setting. */
    public static void assertNoKeysReadsOnly() {
        for (Endpoint e : endpoints()) {
            Answer anonymous = call(e);
            if (e.write()) {
                assertUnauthorized(e, anonymous, "autopilot.api.operator-keys");
                assertTrue(anonymous.detail().contains("autopilot.api.open=true"), e.toString());
            } else {
                assertAllowed(e, anonymous, "anonymous");
            }
            // a key sent to a service that has none is not valid either
            assertUnauthorized(e, call(e, "X-API-Key", "some-key-of-another-service"), "not valid");
        }
    }

    /** With {@code autopilot.api.open=true} and no key: every operation is allowed to anonymous callers. */
    public static void assertOpen() {
        for (Endpoint e : endpoints()) {
            assertAllowed(e, call(e), "anonymous (open)");
        }
    }

    /** The document declares both ways to send a key and requires one on every /api operation. */
    public static void assertDocumented() {
        JsonPath doc = RestAssured.given().accept("application/json").get("/q/openapi?format=json").then()
                .statusCode(200).extract().jsonPath();
        assertEquals("apiKey", doc.getString("components.securitySchemes.apiKey.type"));
        assertEquals("X-API-Key", doc.getString("components.securitySchemes.apiKey.name"));
        assertEquals("header", doc.getString("components.securitySchemes.apiKey.in"));
        assertEquals("bearer", doc.getString("components.securitySchemes.bearer.scheme"));
        assertEquals("true", org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("quarkus.security.jaxrs.deny-unannotated-endpoints", String.class),
                "an endpoint without a role annotation must be refused, not open");
        for (Endpoint e : endpoints()) {
            String op = "paths.'" + e.template() + "'." + e.method().toLowerCase(Locale.ROOT);
            assertNotNull(doc.get(op + ".security"), e + " has no security requirement");
            assertEquals(e.write() ? "operator" : "viewer", doc.getString(op + ".x-required-role"), e.toString());
        }
    }

    private static void assertAllowed(Endpoint e, Answer r, String who) {
        int s = r.statusCode();
        assertTrue(s != 401 && s != 403 && s < 500, who + " on " + e + " answered " + s + ": " + r.body());
    }

    private static void assertUnauthorized(Endpoint e, Answer r, String detail) {
        assertProblem(e, r, 401, detail);
        assertEquals("Bearer", r.wwwAuthenticate(), e + ": 401 without a Bearer challenge");
    }

    private static void assertProblem(Endpoint e, Answer r, int status, String detail) {
        assertEquals(status, r.statusCode(), e + " answered " + r.statusCode() + ": " + r.body());
        assertTrue(r.contentType().startsWith("application/problem+json"), e + ": content type " + r.contentType());
        String d = r.detail();
        assertTrue(d != null && d.contains(detail), e + ": detail '" + d + "' does not say '" + detail + "'");
    }
}
