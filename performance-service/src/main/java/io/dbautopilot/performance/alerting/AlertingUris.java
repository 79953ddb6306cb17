package io.dbautopilot.performance.alerting;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Checks configured output URLs (http/https with a host, no {@code user:password@}), failing the start naming the
 * setting without repeating the URL; {@link #loggable} is the only form of an output URL that reaches a log.
 */
final class AlertingUris {

    private AlertingUris() {
    }

    /** The URL as a base URI ending with '/'. */
    static URI parse(String setting, String url) {
        URI u;
        try {
            u = new URI(url.endsWith("/") ? url : url + "/");
        } catch (URISyntaxException e) {
            // the exception's message repeats the whole URL (query tokens included): only the reason and the index
            throw new IllegalStateException(setting + " is not a URL: " + e.getReason() + " at index " + e.getIndex());
        }
        if (u.getRawUserInfo() != null) {
            throw new IllegalStateException(setting + " holds credentials (user:password@): they would be logged and "
                    + "sent in clear to every proxy; give the receiver a token it accepts in a header or the query "
                    + "string instead");
        }
        if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
            throw new IllegalStateException(setting + " must be an http(s) URL with a host (scheme '" + u.getScheme()
                    + "', host " + (u.getHost() == null ? "missing" : "'" + u.getHost() + "'") + ")");
        }
        return u;
    }

    /** scheme://host[:port]/path of a URL: never its query (webhook tokens live there), user info or fragment. */
    static String loggable(URI u) {
        return u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort())
                + (u.getRawPath() == null ? "" : u.getRawPath());
    }
}
