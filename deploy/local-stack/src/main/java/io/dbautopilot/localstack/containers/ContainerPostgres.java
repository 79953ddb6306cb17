package io.dbautopilot.localstack.containers;

import io.dbautopilot.localstack.postgres.PostgresServer;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** PostgreSQL in a Testcontainers container with pg_stat_statements preloaded; stop/start pause it. */
public final class ContainerPostgres implements PostgresServer {

    /** Image used unless {@code DBAUTOPILOT_POSTGRES_IMAGE} says otherwise. */
    public static final String DEFAULT_IMAGE = "postgres:15";

    private final PostgreSQLContainer container;
    private volatile boolean running;

    private ContainerPostgres(PostgreSQLContainer container) {
        this.container = container;
    }

    /** Starts the container. */
    public static ContainerPostgres launch() {
        String image = System.getenv().getOrDefault("DBAUTOPILOT_POSTGRES_IMAGE", DEFAULT_IMAGE);
        PostgreSQLContainer container = new PostgreSQLContainer(image)
                .withUsername("postgres")
                .withPassword("postgres")
                .withDatabaseName("postgres")
                .withCommand("postgres", "-c", "shared_preload_libraries=pg_stat_statements",
                        "-c", "pg_stat_statements.track=all", "-c", "track_io_timing=on", "-c", "max_connections=200",
                        "-c", "fsync=off");
        container.start();
        ContainerPostgres pg = new ContainerPostgres(container);
        pg.running = true;
        return pg;
    }

    @Override
    public String host() {
        return container.getHost();
    }

    @Override
    public int port() {
        return container.getFirstMappedPort();
    }

    @Override
    public String user() {
        return container.getUsername();
    }

    @Override
    public String password() {
        return container.getPassword();
    }

    @Override
    public synchronized void stop() {
        if (running) {
            DockerClientFactory.instance().client().pauseContainerCmd(container.getContainerId()).exec();
            running = false;
        }
    }

    @Override
    public synchronized void start() {
        if (!running) {
            DockerClientFactory.instance().client().unpauseContainerCmd(container.getContainerId()).exec();
            running = true;
        }
    }

    @Override
    public boolean running() {
        return running;
    }

    @Override
    public void close() {
        container.stop();
        running = false;
    }
}
