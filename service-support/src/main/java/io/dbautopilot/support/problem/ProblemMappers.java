package io.dbautopilot.support.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.dbautopilot.support.access.ApiKeyAuthenticationMechanism;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.UUID;

/**
 * Turns every API error into an {@code application/problem+json} document that says what was wrong: the request's
 * own errors in full, authentication and authorization failures naming the key or setting needed, and anything
 * unexpected as a 500 that carries only a correlation id (the cause, which may hold SQL, goes to the log).
 */
public class ProblemMappers {

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    private final SecurityIdentity identity;

    public ProblemMappers(SecurityIdentity identity) {
        this.identity = identity;
    }

    private static final String NEED_KEY =
            "an API key is required: send 'X-API-Key: <key>' or 'Authorization: Bearer <key>'";

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        return respond(e.status(), e.title(), e.getMessage(), uri);
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e, UriInfo uri) {
        return respond(400, "Bad Request", "request body is not valid JSON: " + e.getOriginalMessage(), uri);
    }

    /** A body of the wrong shape (e.g. an array where a string belongs), naming the field; never the built-in mapper's form. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e, UriInfo uri) {
        String field = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .reduce((a, b) -> b.startsWith("[") ? a + b : a + "." + b).orElse(null);
        return respond(400, "Bad Request", field == null ? "request body has the wrong shape: " + e.getOriginalMessage()
                : "field '" + field + "' has the wrong type or shape", uri);
    }

    /** A body that could not be read (e.g. a multipart or form body that does not decode). */
    @ServerExceptionMapper
    public Response unreadable(java.io.IOException e, UriInfo uri, HttpHeaders headers) {
        String type = headers == null ? null : headers.getHeaderString(HttpHeaders.CONTENT_TYPE);
        return respond(400, "Bad Request", "the request body could not be read" + (type == null ? ""
                : " as " + type.replaceAll("[^\\x20-\\x7e]", "?")), uri);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        String detail = e.getMessage();
        if (e.getCause() instanceof JsonProcessingException json) {
            detail = "request body is not valid JSON: " + json.getOriginalMessage();
        }
        return respond(status, e.getResponse().getStatusInfo().getReasonPhrase(), detail, uri);
    }

    @ServerExceptionMapper
    public Response wrongKey(AuthenticationFailedException e, UriInfo uri) {
        return unauthorized("the API key is not valid", uri);
    }

    @ServerExceptionMapper
    public Response noKey(UnauthorizedException e, UriInfo uri) {
        return unauthorized(NEED_KEY, uri);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri, Request request) {
        String what = request.getMethod() + " " + (path(uri) == null ? "this request" : path(uri));
        if (identity != null && Boolean.TRUE.equals(identity.getAttribute(ApiKeyAuthenticationMechanism.NO_KEYS_CONFIGURED))) {
            return unauthorized(what + " changes state and no operator key is configured: set autopilot.api.operator-keys"
                    + " (env AUTOPILOT_API_OPERATOR_KEYS, 'name:secret') and send it as 'X-API-Key', or set"
                    + " autopilot.api.open=true (env AUTOPILOT_API_OPEN) on a machine only you can reach", uri);
        }
        String name = identity == null || identity.getPrincipal() == null ? "this key" : "'" + identity.getPrincipal().getName() + "'";
        return respond(403, "Forbidden", name + " is a viewer; " + what + " needs an operator key", uri);
    }

    @ServerExceptionMapper
    public Response unexpected(RuntimeException e, UriInfo uri) {
        String correlationId = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected error on %s (correlation id %s)", path(uri), correlationId);
        return Response.status(500).type(Problem.MEDIA_TYPE)
                .entity(new Problem("about:blank", "Internal Server Error", 500,
                        "unexpected error; the service log holds the cause under correlation id " + correlationId,
                        path(uri), correlationId)).build();
    }

    /**
     * The request path for a problem document, or null when it cannot be given: {@code UriInfo.getPath()} parses the
     * request URI, which fails for characters a URI may not hold raw (a backslash, brackets). A mapper that threw here
     * would leave the request with the framework's empty, non-problem answer.
     */
    static String path(UriInfo uri) {
        if (uri == null) {
            return null;
        }
        try {
            return uri.getPath();
        } catch (RuntimeException unparseable) {
            return null;
        }
    }

    private static Response unauthorized(String detail, UriInfo uri) {
        return Response.status(401).type(Problem.MEDIA_TYPE).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                .entity(new Problem("about:blank", "Unauthorized", 401, detail, path(uri)))
                .build();
    }

    private static Response respond(int status, String title, String detail, UriInfo uri) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(new Problem("about:blank", title, status, detail, path(uri))).build();
    }
}
