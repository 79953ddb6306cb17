package io.dbautopilot.performance.push;

import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.testing.AccessProfiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * With API keys configured, the upgrade to {@code /api/ws} follows the REST API's rules: refused (401) without a key
 * or with a wrong one, accepted with a viewer key in {@code X-API-Key}, in {@code Authorization: Bearer} or, as a
 * browser sends it, in {@code Sec-WebSocket-Protocol}.
 */
@QuarkusTest
@TestProfile(AccessProfiles.KeysConfigured.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class PushAccessTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TestHTTPResource("/")
    URL root;

    private URI socket() {
        return URI.create(root.toString().replaceFirst("^http", "ws") + "api/ws");
    }

    @Test
    void anUpgradeWithoutAValidKeyIsRefusedAndNeitherKeyNorErrorIsLogged() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            assertEquals(401, refusal(() -> PushClient.open(socket(), b -> b)));
            assertEquals(401, refusal(() -> PushClient.open(socket(), b -> b.header("X-API-Key", "not-the-key-4711"))));
            assertEquals(401, refusal(() -> PushClient.open(socket(), b -> b.subprotocols(PushSocket.SUBPROTOCOL,
                    carrier("not-the-key-4712")))));
            try (PushClient client = PushClient.open(socket(), b -> b.subprotocols(PushSocket.SUBPROTOCOL,
                    carrier("viewer-secret-7")))) {
                client.await(WAIT, m -> "database_performance".equals(m.path("type").asText()));
            }
            assertEquals(List.of(), log.containing("not-the-key-47"), "a presented key is never logged");
            assertEquals(List.of(), log.containing("viewer-secret-7"), "a valid key is never logged");
            assertEquals(List.of(), log.containing("/api/ws"), "a refused upgrade is no error of the service");
        }
    }

    @Test
    void aViewerKeyInAHeaderOpensTheChannel() throws Exception {
        try (PushClient client = PushClient.open(socket(), b -> b.header("X-API-Key", "viewer-secret-7"))) {
            client.await(WAIT, m -> "database_performance".equals(m.path("type").asText()));
        }
        try (PushClient client = PushClient.open(socket(), b -> b.header("Authorization", "Bearer operator-secret-7"))) {
            client.await(WAIT, m -> "database_performance".equals(m.path("type").asText()));
        }
    }

    @Test
    void aViewerKeyCarriedInTheSubprotocolHeaderOpensTheChannel() throws Exception {
        try (PushClient client = PushClient.open(socket(), b -> b.subprotocols(PushSocket.SUBPROTOCOL,
                carrier("viewer-secret-7")))) {
            assertEquals(PushSocket.SUBPROTOCOL, client.subprotocol(), "the server agrees to the push subprotocol");
            client.await(WAIT, m -> "database_performance".equals(m.path("type").asText()));
        }
    }

    /** What the dashboard offers: Quarkus' header carrier, percent-encoded. */
    static String carrier(String key) {
        return "quarkus-http-upgrade#X-API-Key#" + URLEncoder.encode(key, StandardCharsets.UTF_8);
    }

    private interface Attempt {
        PushClient open() throws Exception;
    }

    private static int refusal(Attempt attempt) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> attempt.open().close());
        WebSocketHandshakeException refused = assertInstanceOf(WebSocketHandshakeException.class, e.getCause());
        return refused.getResponse().statusCode();
    }
}
