package io.dbautopilot.performance.push;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Ends the handling of an upgrade to {@code /api/ws} refused for a key that is not valid: the security layer has
 * answered 401 with its challenge already, and the failure handlers behind it (the REST problem mapper) would try to
 * answer a second time and log an error for every refused client. Any other failure goes on to those handlers.
 */
@ApplicationScoped
public class PushUpgradeRefusals {

    private static final Logger LOG = Logger.getLogger(PushUpgradeRefusals.class);

    void register(@Observes Router router) {
        router.route("/api/ws").order(Integer.MIN_VALUE).failureHandler(ctx -> {
            if (ctx.response().ended() || ctx.response().headWritten()) {
                // never the request's headers: the key may travel in them
                LOG.debugf("WebSocket upgrade from %s refused with %d", ctx.request().remoteAddress(),
                        ctx.response().getStatusCode());
                return;
            }
            ctx.next();
        });
    }
}
