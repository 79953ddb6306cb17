package io.dbautopilot.performance.access;

import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.testing.AccessProfiles;
import io.dbautopilot.testing.ApiAccessMatrix;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/** No key configured and autopilot.api.open unset: every read open, every write 401 naming the settings. */
@QuarkusTest
@TestProfile(AccessProfiles.NoKeys.class)
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class ApiAccessNoKeysTest {

    @Test
    void everyEndpointOfTheOpenApiDocumentFollowsTheMatrix() {
        ApiAccessMatrix.assertNoKeysReadsOnly();
    }
}
