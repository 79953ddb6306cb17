package io.dbautopilot.support.access;

import jakarta.ws.rs.container.ContainerRequestContext;

import java.security.Principal;

/** Who made a request, as recorded with the operations it asked for (the API key's configured name). */
public final class Callers {

    private Callers() {
    }

    /** The caller's name: the key's configured name, {@code anonymous} without a key. */
    public static String name(ContainerRequestContext request) {
        Principal principal = request.getSecurityContext() == null ? null : request.getSecurityContext().getUserPrincipal();
        return principal == null || principal.getName() == null ? "anonymous" : principal.getName();
    }
}
