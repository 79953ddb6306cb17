package io.dbautopilot.localstack.redis;

/** A running Redis server for tests and the local stack, reached over TCP with a password ({@code requirepass}). */
public interface RedisServer extends AutoCloseable {

    /** Host the server listens on (an IP address). */
    String host();

    /** TCP port the server listens on. */
    int port();

    /** The password clients authenticate with. */
    String password();

    /** Whether the server process is up. */
    boolean running();

    @Override
    void close();

    /** The server's URL without credentials, {@code redis://host:port}. */
    default String url() {
        return "redis://" + host() + ":" + port();
    }
}
