package io.dbautopilot.localstack.quarkus;

import io.dbautopilot.localstack.InfraMode;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Quarkus test resource that starts a real Kafka broker (embedded KRaft, or a container under
 * {@code DBAUTOPILOT_INFRA=testcontainers}) and points the application's {@code kafka.bootstrap.servers} at it.
 */
public class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    private KafkaBroker broker;

    @Override
    public Map<String, String> start() {
        broker = InfraMode.effective().startKafka();
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(broker, new TestInjector.AnnotatedAndMatchesType(InjectInfra.class, KafkaBroker.class));
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
        }
    }
}
