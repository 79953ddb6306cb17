package io.dbautopilot.localstack.containers;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/** A Kafka broker in a Testcontainers container; stop/start pause and unpause it so its address stays. */
public final class ContainerKafka implements KafkaBroker {

    /** Image used unless {@code DBAUTOPILOT_KAFKA_IMAGE} says otherwise. */
    public static final String DEFAULT_IMAGE = "apache/kafka:4.1.1";

    private final KafkaContainer container;
    private volatile boolean running;

    private ContainerKafka(KafkaContainer container) {
        this.container = container;
    }

    /** Starts the container. */
    public static ContainerKafka launch() {
        String image = System.getenv().getOrDefault("DBAUTOPILOT_KAFKA_IMAGE", DEFAULT_IMAGE);
        KafkaContainer container = new KafkaContainer(image);
        container.start();
        ContainerKafka kafka = new ContainerKafka(container);
        kafka.running = true;
        return kafka;
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
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
