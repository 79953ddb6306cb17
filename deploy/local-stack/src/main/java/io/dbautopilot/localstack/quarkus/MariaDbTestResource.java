package io.dbautopilot.localstack.quarkus;

import io.dbautopilot.localstack.mariadb.MariaDbBinaries;
import io.dbautopilot.localstack.mariadb.MariaDbServer;
import io.dbautopilot.localstack.mariadb.ThrowawayMariaDb;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.List;
import java.util.Map;

/**
 * Quarkus test resource that starts a real MariaDB server (a throwaway server from the installed binaries) for
 * tests of the MariaDB engine.
 *
 * <p>Init args: {@code database} (default {@code autopilot_test}) and {@code options}, extra {@code mariadbd} options
 * separated by spaces (e.g. {@code --log-bin=binlog --server-id=1}; default none). It sets
 * {@code dbautopilot.test.mariadb.host/port/user/password/database}; a field of type {@link MariaDbServer} marked
 * {@link InjectInfra} receives the server.
 */
public class MariaDbTestResource implements QuarkusTestResourceLifecycleManager {

    private MariaDbServer server;
    private String database = "autopilot_test";
    private List<String> options = List.of();

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault("database", database);
        String extra = initArgs.getOrDefault("options", "").trim();
        options = extra.isEmpty() ? List.of() : List.of(extra.split("\\s+"));
    }

    @Override
    public Map<String, String> start() {
        server = ThrowawayMariaDb.launch(MariaDbBinaries.locate(), database, options);
        return Map.of(
                "dbautopilot.test.mariadb.host", server.host(),
                "dbautopilot.test.mariadb.port", String.valueOf(server.port()),
                "dbautopilot.test.mariadb.user", server.user(),
                "dbautopilot.test.mariadb.password", server.password(),
                "dbautopilot.test.mariadb.database", server.database());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(server, new TestInjector.AnnotatedAndMatchesType(InjectInfra.class, MariaDbServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
