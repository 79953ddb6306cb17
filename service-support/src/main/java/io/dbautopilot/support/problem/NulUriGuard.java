package io.dbautopilot.support.problem;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import java.util.List;
import java.util.Map;

/** Refuses a request whose decoded path or query holds a NUL character ({@code %00}) with a 400 naming where. */
@Provider
@PreMatching
public class NulUriGuard implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext context) {
        String where = null;
        try {
            if (context.getUriInfo().getPath().indexOf('\0') >= 0) {
                where = "the path";
            } else {
                MultivaluedMap<String, String> query = context.getUriInfo().getQueryParameters();
                for (Map.Entry<String, List<String>> e : query.entrySet()) {
                    if (e.getKey().indexOf('\0') >= 0 || e.getValue().stream().anyMatch(v -> v != null && v.indexOf('\0') >= 0)) {
                        where = e.getKey().indexOf('\0') >= 0 ? "a query parameter name"
                                : "query parameter '" + e.getKey() + "'";
                        break;
                    }
                }
            }
        } catch (IllegalArgumentException badEncoding) {
            where = "the request URI (bad percent-encoding)";
        }
        if (where != null) {
            String detail = where.startsWith("the request URI") ? where + " cannot be decoded"
                    : where + " contains a NUL character (%00), which is not accepted";
            context.abortWith(Response.status(400).type(Problem.MEDIA_TYPE).entity(new Problem("about:blank",
                    "Bad Request", 400, detail, null)).build());
        }
    }
}
