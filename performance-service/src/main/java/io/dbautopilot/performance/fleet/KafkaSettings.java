package io.dbautopilot.performance.fleet;

import org.eclipse.microprofile.config.Config;

import java.util.Map;
import java.util.TreeMap;

/** Client settings of the fleet's own Kafka clients: bootstrap servers plus {@code kafka.security.protocol}, {@code kafka.sasl.*}, {@code kafka.ssl.*}. */
final class KafkaSettings {

    private KafkaSettings() {
    }

    /** The settings the service's configuration gives, {@code kafka.} prefix stripped; never logged. */
    static Map<String, Object> from(Config config) {
        Map<String, Object> props = new TreeMap<>();
        props.put("bootstrap.servers", config.getOptionalValue("kafka.bootstrap.servers", String.class).orElse("localhost:9092"));
        for (String name : config.getPropertyNames()) {
            if (name.equals("kafka.security.protocol") || name.startsWith("kafka.sasl.") || name.startsWith("kafka.ssl.")) {
                config.getOptionalValue(name, String.class).ifPresent(v -> props.put(name.substring("kafka.".length()), v));
            }
        }
        return props;
    }
}
