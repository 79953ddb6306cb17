package io.dbautopilot.performance.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem detail, the body of every API error ({@code application/problem+json}).
 *
 * @param type     URI identifying the kind of problem ({@code about:blank} when the status says it all)
 * @param title    short summary of the kind of problem
 * @param status   HTTP status code
 * @param detail   what was wrong with this request, and what to do
 * @param instance the request path
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {

    /** Media type of problem responses. */
    public static final String MEDIA_TYPE = "application/problem+json";
}
