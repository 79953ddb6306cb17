package io.dbautopilot.localstack.quarkus;

import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.kafka.SaslSslKafka;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Quarkus test resource that starts a real broker with a SASL_SSL client listener ({@link SaslSslKafka}) and gives the
 * application the documented settings: {@code kafka.bootstrap.servers}, {@code kafka.security.protocol=SASL_SSL},
 * {@code kafka.sasl.mechanism=PLAIN}, {@code kafka.sasl.jaas.config} and {@code kafka.ssl.truststore.*}. Users:
 * {@value #SERVICE_USER} (the application) and {@value #PEER_USER} (the test's own clients, e.g. a producer standing
 * in for the other service), with passwords made for this run.
 */
public class SaslSslKafkaTestResource implements QuarkusTestResourceLifecycleManager {

    /** The application's user. */
    public static final String SERVICE_USER = "service";
    /** The test clients' user. */
    public static final String PEER_USER = "peer";

    private SaslSslKafka broker;

    @Override
    public Map<String, String> start() {
        broker = SaslSslKafka.launch(Map.of(SERVICE_USER, UUID.randomUUID().toString(),
                PEER_USER, UUID.randomUUID().toString()));
        Map<String, String> config = new HashMap<>();
        broker.clientProperties(SERVICE_USER).forEach((k, v) -> config.put("kafka." + k, v));
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(broker, new TestInjector.AnnotatedAndMatchesType(InjectInfra.class, KafkaBroker.class));
        testInjector.injectIntoFields(broker, new TestInjector.AnnotatedAndMatchesType(InjectInfra.class, SaslSslKafka.class));
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
