package io.dbautopilot.performance.collect;

import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/** A second throwaway cluster, target {@code flaky}, that a test can stop and start again. */
public class FlakyTargetResource implements QuarkusTestResourceLifecycleManager {

    static volatile ThrowawayPostgres server;

    @Override
    public Map<String, String> start() {
        server = ThrowawayPostgres.launch(PostgresBinaries.locate());
        return Map.of(
                "autopilot.targets.flaky.url", "postgresql://" + server.host() + ":" + server.port() + "/postgres",
                "autopilot.targets.flaky.username", server.user(),
                "autopilot.targets.flaky.password", server.password(),
                "autopilot.targets.flaky.interval", "1s",
                "autopilot.targets.flaky.query-timeout", "2s",
                "autopilot.targets.flaky.disabled-families", "broken_probe");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
