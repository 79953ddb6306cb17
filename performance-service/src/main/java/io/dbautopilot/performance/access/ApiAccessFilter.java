package io.dbautopilot.performance.access;

import io.dbautopilot.performance.problem.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Optional;

/**
 * Guards {@code /api/*} when credentials are configured: a viewer credential may GET (and HEAD / OPTIONS), an
 * operator credential may also POST, PUT, PATCH and DELETE; anything else is answered with a 401/403 problem
 * document. {@code /q/*} (health, metrics, OpenAPI) is not filtered.
 */
public class ApiAccessFilter {

    /** Request property holding the authenticated {@link ApiAccess.Caller}. */
    public static final String CALLER = "autopilot.caller";

    private final ApiAccess access;

    public ApiAccessFilter(ApiAccess access) {
        this.access = access;
    }

    @ServerRequestFilter(preMatching = true)
    public Optional<Response> check(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!access.enabled() || !(path.equals("/api") || path.startsWith("/api/"))) {
            return Optional.empty();
        }
        String secret = request.getHeaderString("X-API-Key");
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (secret == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            secret = authorization.substring(7).trim();
        }
        Optional<ApiAccess.Caller> caller = access.authenticate(secret);
        if (caller.isEmpty()) {
            return Optional.of(problem(401, "Unauthorized", secret == null
                    ? "an API key is required: send 'X-API-Key: <key>' or 'Authorization: Bearer <key>'"
                    : "the API key is not valid", path));
        }
        String method = request.getMethod();
        boolean read = "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
        if (!read && caller.get().role() != ApiAccess.Role.OPERATOR) {
            return Optional.of(problem(403, "Forbidden", "'" + caller.get().name() + "' is a viewer; "
                    + method + " " + path + " needs an operator key", path));
        }
        request.setProperty(CALLER, caller.get());
        return Optional.empty();
    }

    private static Response problem(int status, String title, String detail, String path) {
        Response.ResponseBuilder r = Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(new Problem("about:blank", title, status, detail, path));
        if (status == 401) {
            r.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        return r.build();
    }
}
