package io.dbautopilot.support.fleet;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The registry's Kafka clients get the bootstrap servers and the service's TLS/SASL settings, nothing else. */
class KafkaClientSettingsTest {

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withSources(new PropertiesConfigSource(properties, "test", 100)).build();
    }

    @Test
    void passesSecuritySettingsThrough() {
        KafkaClientSettings s = KafkaClientSettings.from(config(Map.of(
                "kafka.bootstrap.servers", "broker:9093",
                "kafka.security.protocol", "SASL_SSL",
                "kafka.sasl.mechanism", "SCRAM-SHA-512",
                "kafka.ssl.truststore.location", "/etc/kafka/truststore.p12",
                "kafka.group.id", "not-for-the-registry",
                "mp.messaging.incoming.x.topic", "y")));
        assertEquals(Map.of("bootstrap.servers", "broker:9093", "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512", "ssl.truststore.location", "/etc/kafka/truststore.p12"),
                s.properties());
        assertFalse(s.toString().contains("SCRAM"), "toString shows no setting but the bootstrap servers");
    }

    @Test
    void environmentStyleNamesAreRecognised() {
        SmallRyeConfig env = new SmallRyeConfigBuilder().withSources(new EnvConfigSource(Map.of(
                "KAFKA_SASL_JAAS_CONFIG", "jaas", "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT"), 300)).build();
        KafkaClientSettings s = KafkaClientSettings.from(env);
        assertEquals(Map.of("bootstrap.servers", KafkaClientSettings.DEFAULT_BOOTSTRAP, "sasl.jaas.config", "jaas",
                "security.protocol", "SASL_PLAINTEXT"), s.properties());
    }
}
