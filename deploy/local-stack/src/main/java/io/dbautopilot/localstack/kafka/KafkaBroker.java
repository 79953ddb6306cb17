package io.dbautopilot.localstack.kafka;

/** A running Kafka broker used by tests and the local stack: embedded KRaft or a container. */
public interface KafkaBroker extends AutoCloseable {

    /** Value for {@code bootstrap.servers}. */
    String bootstrapServers();

    /** Makes the broker unreachable (shuts it down or pauses its container), keeping its address and data. */
    void stop();

    /** Makes a stopped broker reachable again on the same address. */
    void start();

    /** Whether the broker currently accepts connections. */
    boolean running();

    @Override
    void close();
}
