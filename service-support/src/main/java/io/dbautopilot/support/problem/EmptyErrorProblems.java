package io.dbautopilot.support.problem;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;

/**
 * An error answer of the REST layer that carries no body (a refusal the framework made itself, before or beside the
 * exception mappers) gets a problem document saying what its status means, so every API error is
 * {@code application/problem+json}. Answers with a body are left as they are.
 */
@Provider
public class EmptyErrorProblems implements ContainerResponseFilter {

    private static final MediaType PROBLEM = MediaType.valueOf(Problem.MEDIA_TYPE);

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        int status = response.getStatus();
        if (status < 400 || response.hasEntity()) {
            return;
        }
        String reason = response.getStatusInfo() == null || response.getStatusInfo().getReasonPhrase() == null
                ? "Error" : response.getStatusInfo().getReasonPhrase();
        response.setEntity(new Problem("about:blank", reason, status,
                "the request was refused (" + status + " " + reason + ") before it reached the operation", null),
                null, PROBLEM);
    }
}
