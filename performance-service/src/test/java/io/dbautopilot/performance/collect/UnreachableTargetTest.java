package io.dbautopilot.performance.collect;

import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.dbautopilot.model.MetricSnapshot;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static io.dbautopilot.performance.collect.Snapshots.await;
import static io.dbautopilot.performance.collect.Snapshots.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A target that goes down yields pg_up = 0 with the error, and is collected again by itself when it is back. */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
@WithTestResource(FlakyTargetResource.class)
class UnreachableTargetTest {

    @Test
    void aTargetThatGoesDownReportsPgUpZeroAndRecoversWithoutRestart() {
        MetricSnapshot up = await("flaky", Instant.now(), s -> value(s, "pg_up").orElse(0) == 1
                && value(s, "pg_stat_database_xact_commit", "datname", "postgres").isPresent());
        assertTrue(up.errors().isEmpty(), up.errors().toString());

        FlakyTargetResource.server.stop();
        MetricSnapshot down = await("flaky", Instant.now(), s -> value(s, "pg_up").orElse(1) == 0);
        assertTrue(down.errors().containsKey("connection"), down.errors().toString());
        assertTrue(value(down, "pg_stat_database_xact_commit").isEmpty(), "no numbers from a server that is down");
        MetricSnapshot demo = await("demo", Instant.now(), s -> true);
        assertEquals(1, value(demo, "pg_up").orElseThrow(), "the other targets carry on");

        FlakyTargetResource.server.start();
        MetricSnapshot back = await("flaky", Instant.now(), s -> value(s, "pg_up").orElse(0) == 1
                && value(s, "pg_stat_database_xact_commit", "datname", "postgres").isPresent());
        assertTrue(back.errors().isEmpty(), back.errors().toString());
    }
}
