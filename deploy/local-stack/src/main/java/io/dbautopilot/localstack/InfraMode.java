package io.dbautopilot.localstack;

import io.dbautopilot.localstack.containers.ContainerKafka;
import io.dbautopilot.localstack.containers.ContainerPostgres;
import io.dbautopilot.localstack.containers.DockerSupport;
import io.dbautopilot.localstack.kafka.EmbeddedKafka;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;

import java.util.Locale;
import java.util.logging.Logger;

/**
 * Which real infrastructure tests run against: {@code embedded} (default: in-JVM KRaft broker and throwaway
 * clusters from the installed binaries) or {@code testcontainers} (Kafka and PostgreSQL containers).
 *
 * <p>Chosen with the environment variable {@code DBAUTOPILOT_INFRA} or the system property
 * {@code dbautopilot.infra}. When {@code testcontainers} is asked for but no Docker engine answers, the embedded
 * infrastructure is used instead and a warning says why - never silently.
 */
public enum InfraMode {
    EMBEDDED,
    TESTCONTAINERS;

    private static final Logger LOG = Logger.getLogger(InfraMode.class.getName());

    /** The mode asked for by configuration, before checking whether Docker is there. */
    public static InfraMode requested() {
        String value = System.getProperty("dbautopilot.infra", System.getenv().getOrDefault("DBAUTOPILOT_INFRA", "embedded"));
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "", "embedded" -> EMBEDDED;
            case "testcontainers", "docker" -> TESTCONTAINERS;
            default -> throw new IllegalArgumentException("DBAUTOPILOT_INFRA / dbautopilot.infra must be 'embedded' or "
                    + "'testcontainers', not '" + value + "'");
        };
    }

    /** The mode that will actually be used: Testcontainers only when asked for and Docker is usable. */
    public static InfraMode effective() {
        InfraMode requested = requested();
        if (requested == TESTCONTAINERS) {
            String reason = DockerSupport.unavailableReason();
            if (reason != null) {
                LOG.warning("DBAUTOPILOT_INFRA=testcontainers was requested but " + reason
                        + ": the Testcontainers path is skipped; using the embedded Kafka broker and a throwaway "
                        + "PostgreSQL cluster instead.");
                return EMBEDDED;
            }
        }
        return requested;
    }

    /** Starts a Kafka broker of this mode. */
    public KafkaBroker startKafka() {
        return this == TESTCONTAINERS ? ContainerKafka.launch() : EmbeddedKafka.launch();
    }

    /** Starts a PostgreSQL server of this mode. */
    public PostgresServer startPostgres() {
        return this == TESTCONTAINERS ? ContainerPostgres.launch() : ThrowawayPostgres.launch(PostgresBinaries.locate());
    }
}
