package io.dbautopilot.automation.access;

import io.dbautopilot.automation.problem.Problem;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Optional;

/**
 * Guards {@code /api/*}: a viewer credential may GET, an operator credential may also POST; anything else is
 * answered with a 401/403 problem document. Health and {@code /q/*} endpoints are not filtered.
 */
public class ApiAccessFilter {

    /** Request property holding the authenticated {@link ApiAccess.Caller}. */
    public static final String CALLER = "autopilot.caller";

    private final ApiAccess access;

    public ApiAccessFilter(ApiAccess access) {
        this.access = access;
    }

    @ServerRequestFilter
    public Optional<Response> check(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (!path.startsWith("/api")) {
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
        boolean write = !"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod());
        if (write && caller.get().role() != ApiAccess.Role.OPERATOR) {
            return Optional.of(problem(403, "Forbidden", "'" + caller.get().name() + "' is a viewer; "
                    + request.getMethod() + " " + path + " needs an operator key", path));
        }
        request.setProperty(CALLER, caller.get());
        return Optional.empty();
    }

    private static Response problem(int status, String title, String detail, String path) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .header(HttpHeaders.WWW_AUTHENTICATE, status == 401 ? "Bearer" : null)
                .entity(new Problem("about:blank", title, status, detail, path)).build();
    }
}
