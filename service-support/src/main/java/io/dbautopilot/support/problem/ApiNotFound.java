package io.dbautopilot.support.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * The last route under {@code /api/}: a request no endpoint took (e.g. {@code /api/targets/../x}, which the HTTP layer
 * normalizes to a path no resource serves) gets a 404 {@code application/problem+json}, not the HTTP layer's page.
 */
@ApplicationScoped
public class ApiNotFound {

    private final ObjectMapper mapper;

    public ApiNotFound(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    void register(@Observes Router router) {
        router.route("/api/*").order(Integer.MAX_VALUE).handler(ctx -> {
            String body;
            try {
                body = mapper.writeValueAsString(new Problem("about:blank", "Not Found", 404,
                        "no API endpoint at this path (the operations are listed at /q/openapi)", null));
            } catch (JsonProcessingException e) {
                body = "{\"title\":\"Not Found\",\"status\":404}";
            }
            ctx.response().setStatusCode(404).putHeader("Content-Type", Problem.MEDIA_TYPE).end(body);
        });
    }
}
