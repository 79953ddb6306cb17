package io.dbautopilot.automation.backup.engine;

import java.util.LinkedHashMap;
import java.util.Map;

/** The TLS and security parameters of a target URL as libpq environment variables (never on a command line). */
public final class LibpqSettings {

    private static final Map<String, String> ENV = Map.ofEntries(
            Map.entry("sslmode", "PGSSLMODE"), Map.entry("sslrootcert", "PGSSLROOTCERT"),
            Map.entry("sslcert", "PGSSLCERT"), Map.entry("sslkey", "PGSSLKEY"), Map.entry("sslcrl", "PGSSLCRL"),
            Map.entry("sslcrldir", "PGSSLCRLDIR"), Map.entry("sslsni", "PGSSLSNI"),
            Map.entry("sslcompression", "PGSSLCOMPRESSION"),
            Map.entry("ssl_min_protocol_version", "PGSSLMINPROTOCOLVERSION"),
            Map.entry("ssl_max_protocol_version", "PGSSLMAXPROTOCOLVERSION"),
            Map.entry("gssencmode", "PGGSSENCMODE"), Map.entry("channel_binding", "PGCHANNELBINDING"),
            Map.entry("requirepeer", "PGREQUIREPEER"), Map.entry("krbsrvname", "PGKRBSRVNAME"));

    private LibpqSettings() {
    }

    /**
     * The environment for the URL's parameters: libpq names ({@code sslmode}, {@code sslrootcert}, …) map to their
     * {@code PG*} variables; pgJDBC's {@code ssl=true} without {@code sslmode} means {@code verify-full}, as in pgJDBC.
     */
    public static Map<String, String> environment(Map<String, String> urlParams) {
        Map<String, String> env = new LinkedHashMap<>();
        if (urlParams == null) {
            return env;
        }
        urlParams.forEach((k, v) -> {
            String var = k == null ? null : ENV.get(k.toLowerCase(java.util.Locale.ROOT));
            if (var != null && v != null && !v.isEmpty()) {
                env.put(var, v);
            }
        });
        if (!env.containsKey("PGSSLMODE") && "true".equalsIgnoreCase(urlParams.get("ssl"))) {
            env.put("PGSSLMODE", "verify-full");
        }
        return env;
    }
}
