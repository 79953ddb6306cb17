package io.dbautopilot.performance.alerting;

import java.net.URI;
import java.net.URISyntaxException;

/** Checks configured output URLs (http/https with a host), failing the start naming the setting. */
final class AlertingUris {

    private AlertingUris() {
    }

    /** The URL as a base URI ending with '/'. */
    static URI parse(String setting, String url) {
        try {
            URI u = new URI(url.endsWith("/") ? url : url + "/");
            if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
                throw new IllegalStateException(setting + ": '" + url + "' must be an http(s) URL with a host");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new IllegalStateException(setting + ": '" + url + "' is not a URL: " + e.getMessage());
        }
    }
}
