package io.dbautopilot.support.url;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Where a database lives, for every engine, parsed once: {@code postgresql://host:port/db?sslmode=require},
 * {@code mysql://} / {@code mariadb://host:port/db}, {@code redis://host:port/0}, {@code sqlite:///path/app.db}
 * (a {@code jdbc:} prefix is accepted). It never holds a secret: a URL with a user or password inside, or a
 * password parameter, is refused (credentials come from their own settings), so {@link #toString()} is safe to log
 * and to return.
 *
 * @param engine   {@code postgresql}, {@code mysql}, {@code mariadb}, {@code sqlite} or {@code redis}
 * @param host     host name or address (IPv6 without brackets); empty for SQLite
 * @param port     port (the engine's default when absent); 0 for SQLite
 * @param database database name, Redis database number, or the SQLite file's absolute path
 * @param params   query parameters in their order (no secrets)
 */
public record DatabaseUrl(String engine, String host, int port, String database, Map<String, String> params) {

    /** The engines a URL may name. */
    public static final Set<String> ENGINES = Set.of("postgresql", "mysql", "mariadb", "sqlite", "redis");

    private static final Set<String> SECRET_PARAMS = Set.of("password", "pass", "pwd", "sslpassword", "auth");

    public DatabaseUrl {
        params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /**
     * Parses {@code text}; throws {@link IllegalArgumentException} saying what is wrong, without echoing anything
     * that could be a secret.
     */
    public static DatabaseUrl parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a database URL is required, e.g. postgresql://host:5432/database");
        }
        String raw = text.trim();
        if (raw.regionMatches(true, 0, "jdbc:", 0, 5)) {
            raw = raw.substring(5);
        }
        int colon = raw.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("not a database URL: expected <engine>://..., engine one of "
                    + "postgresql, mysql, mariadb, sqlite, redis");
        }
        String engine = engine(raw.substring(0, colon).toLowerCase(Locale.ROOT));
        URI uri;
        try {
            uri = new URI(raw);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a valid " + engine + " URL (" + e.getReason() + " at index "
                    + e.getIndex() + "); expected " + example(engine));
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("credentials inside a database URL are refused: remove 'user[:password]@'"
                    + " and give them through the username/password (or credentials) settings");
        }
        Map<String, String> params = params(uri.getRawQuery());
        for (String name : params.keySet()) {
            if (SECRET_PARAMS.contains(name.toLowerCase(Locale.ROOT)) || name.equalsIgnoreCase("user")) {
                throw new IllegalArgumentException("credentials inside a database URL are refused: remove the '" + name
                        + "' parameter and give it through the username/password (or credentials) settings");
            }
        }
        if (engine.equals("sqlite")) {
            String path = uri.getPath();
            if (uri.getHost() != null || path == null || !path.startsWith("/") || path.length() < 2) {
                throw new IllegalArgumentException("a SQLite URL names an absolute file path: " + example(engine));
            }
            return new DatabaseUrl(engine, "", 0, path, params);
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("the " + engine + " URL has no host; expected " + example(engine));
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() < 0 ? defaultPort(engine) : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("the " + engine + " URL's port must be 1-65535");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        String database = path.startsWith("/") ? path.substring(1) : path;
        if (database.contains("/")) {
            throw new IllegalArgumentException("the " + engine + " URL's path must be one database name; expected "
                    + example(engine));
        }
        if (engine.equals("redis") && !database.isEmpty() && !database.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("a Redis URL's path is a database number, e.g. redis://host:6379/0");
        }
        if (!engine.equals("redis") && database.isEmpty()) {
            throw new IllegalArgumentException("the " + engine + " URL names no database; expected " + example(engine));
        }
        return new DatabaseUrl(engine, host, port, database, params);
    }

    /** Whether this is a PostgreSQL URL. */
    public boolean isPostgres() {
        return engine.equals("postgresql");
    }

    /** JDBC URL for the engine's driver (PostgreSQL, MariaDB/MySQL, SQLite); Redis has none. */
    public String jdbcUrl() {
        return switch (engine) {
            case "postgresql" -> "jdbc:postgresql://" + hostPort() + "/" + database + query();
            case "mysql", "mariadb" -> "jdbc:mariadb://" + hostPort() + "/" + database + query();
            case "sqlite" -> "jdbc:sqlite:" + database;
            default -> throw new UnsupportedOperationException(engine + " has no JDBC driver");
        };
    }

    /** {@code host:port}, brackets around an IPv6 address. */
    public String hostPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        if (engine.equals("sqlite")) {
            return "sqlite://" + database + query();
        }
        return engine + "://" + hostPort() + "/" + database + query();
    }

    private String query() {
        if (params.isEmpty()) {
            return "";
        }
        StringJoiner j = new StringJoiner("&", "?", "");
        params.forEach((k, v) -> j.add(v == null ? k : k + "=" + v));
        return j.toString();
    }

    private static String engine(String scheme) {
        return switch (scheme) {
            case "postgresql", "postgres" -> "postgresql";
            case "mysql" -> "mysql";
            case "mariadb" -> "mariadb";
            case "sqlite" -> "sqlite";
            case "redis", "rediss" -> "redis";
            default -> throw new IllegalArgumentException("unknown database engine '" + scheme
                    + "': expected postgresql, mysql, mariadb, sqlite or redis");
        };
    }

    private static int defaultPort(String engine) {
        return switch (engine) {
            case "postgresql" -> 5432;
            case "mysql", "mariadb" -> 3306;
            case "redis" -> 6379;
            default -> 0;
        };
    }

    private static String example(String engine) {
        return switch (engine) {
            case "postgresql" -> "postgresql://host:5432/database";
            case "mysql", "mariadb" -> engine + "://host:3306/database";
            case "redis" -> "redis://host:6379/0";
            default -> "sqlite:///absolute/path/app.db";
        };
    }

    private static Map<String, String> params(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? null : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(k, v);
        }
        return params;
    }
}
