package io.dbautopilot.localstack.mariadb;

/** A running MariaDB server for tests and the local stack, reached over TCP with a password-protected user. */
public interface MariaDbServer extends AutoCloseable {

    /** Host the server listens on (an IP address). */
    String host();

    /** TCP port the server listens on. */
    int port();

    /** User with all privileges (password authentication). */
    String user();

    /** That user's password. */
    String password();

    /** The database created for the user. */
    String database();

    /** Whether the server process is up. */
    boolean running();

    @Override
    void close();

    /** The database's URL in the services' form, {@code mariadb://host:port/db}. */
    default String url() {
        return "mariadb://" + host() + ":" + port() + "/" + database();
    }

    /** JDBC URL of the database (MariaDB Connector/J). */
    default String jdbcUrl() {
        return "jdbc:mariadb://" + host() + ":" + port() + "/" + database();
    }
}
