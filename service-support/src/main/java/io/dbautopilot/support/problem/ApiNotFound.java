package io.dbautopilot.support.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Problem documents where the HTTP layer would answer on its own under {@code /api/}: a request no endpoint took (e.g.
 * {@code /api/targets/../x}, normalized to a path no resource serves) gets a 404, and a request the layer refused
 * before any endpoint (a form body it cannot decode) its 4xx, both as {@code application/problem+json}.
 */
@ApplicationScoped
public class ApiNotFound {

    private final ObjectMapper mapper;

    public ApiNotFound(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    void register(@Observes Router router) {
        // the HTTP layer's own refusals under /api/ (e.g. a form body that cannot be decoded) as problem documents
        router.route("/api/*").order(Integer.MIN_VALUE).failureHandler(ctx -> {
            int status = ctx.statusCode();
            if (ctx.response().ended() || ctx.response().headWritten() || status < 400 || status >= 500
                    || status == 401 || status == 403) {
                ctx.next();
                return;
            }
            String reason = io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase();
            String detail = "the request could not be read (" + status + " " + reason + ")"
                    + (ctx.request().getHeader("Content-Type") == null ? ""
                    : " as " + ctx.request().getHeader("Content-Type").replaceAll("[^\\x20-\\x7e]", "?"));
            ctx.response().setStatusCode(status).putHeader("Content-Type", Problem.MEDIA_TYPE)
                    .end(json(new Problem("about:blank", reason, status, detail, null)));
        });
        router.route("/api/*").order(Integer.MAX_VALUE).handler(ctx -> ctx.response().setStatusCode(404)
                .putHeader("Content-Type", Problem.MEDIA_TYPE).end(json(new Problem("about:blank", "Not Found", 404,
                        "no API endpoint at this path (the operations are listed at /q/openapi)", null))));
    }

    private String json(Problem problem) {
        try {
            return mapper.writeValueAsString(problem);
        } catch (JsonProcessingException e) {
            return "{\"title\":\"" + problem.title() + "\",\"status\":" + problem.status() + "}";
        }
    }
}
