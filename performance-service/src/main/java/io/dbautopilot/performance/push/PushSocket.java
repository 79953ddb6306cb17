package io.dbautopilot.performance.push;

import io.dbautopilot.support.access.Roles;
import io.quarkus.websockets.next.CloseReason;
import io.quarkus.websockets.next.OnClose;
import io.quarkus.websockets.next.OnOpen;
import io.quarkus.websockets.next.WebSocket;
import io.quarkus.websockets.next.WebSocketConnection;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;

/**
 * {@code /api/ws}: the push channel. The HTTP upgrade is checked like any read of the API (viewer role: the key in
 * {@code X-API-Key} or {@code Authorization: Bearer}, or, from a browser, carried in {@code Sec-WebSocket-Protocol} as
 * {@code quarkus-http-upgrade#X-API-Key#<key>} next to the subprotocol {@value #SUBPROTOCOL}); once open, the server
 * only sends {@link PushMessage}s and ignores what the client sends.
 */
@WebSocket(path = "/api/ws")
@RolesAllowed(Roles.VIEWER)
public class PushSocket {

    /** The subprotocol a browser offers next to the one carrying its key (the server must agree to one). */
    public static final String SUBPROTOCOL = "autopilot-push";

    /** "Try again later": the client fell too far behind and should reconnect. */
    private static final int TOO_SLOW = 1013;

    private final PushHub hub;

    public PushSocket(PushHub hub) {
        this.hub = hub;
    }

    @OnOpen
    public Uni<Void> open(WebSocketConnection connection) {
        hub.connect(connection.id(), new PushHub.Sink() {
            @Override
            public Uni<Void> send(String text) {
                return connection.sendText(text);
            }

            @Override
            public void drop(String reason) {
                connection.close(new CloseReason(TOO_SLOW, reason)).subscribe().with(ok -> { }, e -> { });
            }
        });
        return Uni.createFrom().voidItem();
    }

    @OnClose
    public Uni<Void> close(WebSocketConnection connection) {
        hub.disconnect(connection.id());
        return Uni.createFrom().voidItem();
    }
}
