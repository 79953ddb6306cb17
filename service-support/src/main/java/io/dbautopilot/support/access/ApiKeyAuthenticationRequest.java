package io.dbautopilot.support.access;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** An API key presented with a request ({@code X-API-Key} or {@code Authorization: Bearer}). */
public final class ApiKeyAuthenticationRequest extends BaseAuthenticationRequest {

    private final String key;

    public ApiKeyAuthenticationRequest(String key) {
        this.key = key;
    }

    /** The presented key; never logged. */
    public String key() {
        return key;
    }

    @Override
    public String toString() {
        return "ApiKeyAuthenticationRequest[key=***]";
    }
}
