package io.dbautopilot.automation.access;

import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.testing.ApiAccessMatrix;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** With the test profile's viewer and operator keys: no key, wrong key, viewer and operator against every endpoint. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ApiAccessTest {

    @Test
    void everyEndpointOfTheOpenApiDocumentFollowsTheMatrix() {
        ApiAccessMatrix.assertKeysConfigured("viewer-secret-1", "operator-secret-1");
        ApiAccessMatrix.assertDocumented();
    }
}
