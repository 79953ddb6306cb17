package io.dbautopilot.performance.benchmark;

/**
 * Room for client connections on a target's server: its connection limit less the reserved ones, the connections in
 * use and the configured headroom ({@code autopilot.benchmark.connection-headroom}).
 *
 * @param maxConnections the server's {@code max_connections}
 * @param limit          the most client connections a step may open (at least 1)
 */
record ConnectionRoom(int maxConnections, int limit) {

    /** The room of a server with {@code max} connections of which {@code unavailable} are reserved or in use. */
    static ConnectionRoom of(int max, int unavailable, int headroom) {
        return new ConnectionRoom(max, Math.max(1, max - unavailable - headroom));
    }
}
