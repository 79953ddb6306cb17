package io.dbautopilot.support.fleet;

import org.eclipse.microprofile.config.Config;

import java.util.Map;
import java.util.TreeMap;

/**
 * The Kafka client settings the registry's own clients share: {@code kafka.bootstrap.servers} plus every
 * {@code kafka.security.protocol}, {@code kafka.sasl.*} and {@code kafka.ssl.*} property of the service (prefix
 * stripped), so TLS and SASL clusters work as they do for the service's messaging channels.
 *
 * @param properties client properties without the {@code kafka.} prefix; never logged (they may hold a JAAS secret)
 */
public record KafkaClientSettings(Map<String, Object> properties) {

    /** Bootstrap servers when the service configures none (the Kafka client's usual local default). */
    public static final String DEFAULT_BOOTSTRAP = "localhost:9092";

    /** Copies the map. */
    public KafkaClientSettings {
        properties = Map.copyOf(properties);
    }

    /** Only the bootstrap servers (plain connections), e.g. for a test's own client. */
    public static KafkaClientSettings bootstrap(String bootstrapServers) {
        return new KafkaClientSettings(Map.of("bootstrap.servers", bootstrapServers));
    }

    /** The settings a service's configuration gives. */
    public static KafkaClientSettings from(Config config) {
        Map<String, Object> props = new TreeMap<>();
        props.put("bootstrap.servers",
                config.getOptionalValue("kafka.bootstrap.servers", String.class).orElse(DEFAULT_BOOTSTRAP));
        for (String name : config.getPropertyNames()) {
            if (name.equals("kafka.security.protocol") || name.startsWith("kafka.sasl.") || name.startsWith("kafka.ssl.")) {
                config.getOptionalValue(name, String.class).ifPresent(v -> props.put(name.substring("kafka.".length()), v));
            }
        }
        return new KafkaClientSettings(props);
    }

    /** A mutable copy with {@code extra} added, to build one client's configuration. */
    public Map<String, Object> with(Map<String, Object> extra) {
        Map<String, Object> all = new TreeMap<>(properties);
        all.putAll(extra);
        return all;
    }

    /** The bootstrap servers, for log lines (the only setting safe to print). */
    public String bootstrapServers() {
        return String.valueOf(properties.get("bootstrap.servers"));
    }

    @Override
    public String toString() {
        return "KafkaClientSettings[bootstrap.servers=" + bootstrapServers() + ", " + (properties.size() - 1)
                + " security settings]";
    }
}
