package io.dbautopilot.support.problem;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An RFC 9457 problem detail, the body of every API error ({@code application/problem+json}).
 *
 * @param type          URI identifying the kind of problem ({@code about:blank} when the status says it all)
 * @param title         short summary of the kind of problem
 * @param status        HTTP status code
 * @param detail        what was wrong with this request, and what to do
 * @param instance      the request path
 * @param correlationId on a 500: the id of the log entry that holds the cause (the cause itself is never returned)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance,
                      @JsonProperty("correlation_id") String correlationId) {

    /** Media type of problem responses. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /** A problem without correlation id (anything but a 500). */
    public Problem(String type, String title, int status, String detail, String instance) {
        this(type, title, status, detail, instance, null);
    }
}
