package io.dbautopilot.automation.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * An RFC 9457 problem document ({@code application/problem+json}).
 *
 * @param type     URI of the problem type ({@code about:blank} when only the status matters)
 * @param title    short summary of the problem type
 * @param status   HTTP status
 * @param detail   what exactly was wrong with this request
 * @param instance the request path
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, String instance) {

    /** Media type of problem documents. */
    public static final String MEDIA_TYPE = "application/problem+json";
}
