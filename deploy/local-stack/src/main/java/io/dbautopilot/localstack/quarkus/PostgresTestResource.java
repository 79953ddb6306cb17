package io.dbautopilot.localstack.quarkus;

import io.dbautopilot.localstack.InfraMode;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Quarkus test resource that starts a real PostgreSQL server (throwaway cluster, or a container under
 * {@code DBAUTOPILOT_INFRA=testcontainers}) holding the service's state database and monitored target databases.
 *
 * <p>Init args: {@code state-database} (default {@code autopilot_state}) and {@code targets} (comma-separated
 * database names, default {@code demo_target}; each gets the {@code pg_stat_statements} extension).
 * It sets {@code autopilot.state.url/username/password} and {@code dbautopilot.test.postgres.host/port/user/password}
 * so the service's test profile can build target URLs.
 */
public class PostgresTestResource implements QuarkusTestResourceLifecycleManager {

    private PostgresServer server;
    private String stateDatabase = "autopilot_state";
    private List<String> targets = List.of("demo_target");

    @Override
    public void init(Map<String, String> initArgs) {
        stateDatabase = initArgs.getOrDefault("state-database", stateDatabase);
        if (initArgs.containsKey("targets")) {
            targets = Arrays.stream(initArgs.get("targets").split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        }
    }

    @Override
    public Map<String, String> start() {
        server = InfraMode.effective().startPostgres();
        server.createDatabase(stateDatabase);
        for (String target : targets) {
            server.createDatabase(target);
            server.execute(target, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
        Map<String, String> config = new HashMap<>();
        config.put("autopilot.state.url", server.uri(stateDatabase));
        config.put("autopilot.state.username", server.user());
        config.put("autopilot.state.password", server.password());
        config.put("dbautopilot.test.postgres.host", server.host());
        config.put("dbautopilot.test.postgres.port", String.valueOf(server.port()));
        config.put("dbautopilot.test.postgres.user", server.user());
        config.put("dbautopilot.test.postgres.password", server.password());
        return config;
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(server, new TestInjector.AnnotatedAndMatchesType(InjectInfra.class, PostgresServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
