package io.dbautopilot.performance.detect.rules;

import io.dbautopilot.localstack.postgres.PostgresBinaries;
import io.dbautopilot.localstack.postgres.ThrowawayPostgres;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the throwaway clusters that shipped rules need besides the shared {@code demo} one, and adds each as a
 * collector target (database {@code postgres}, 1-second interval):
 * <ul>
 *   <li>{@code edge}: max_connections 20, shared_buffers 16MB (large scans go through a ring buffer, so they read),
 *       archive_mode on with an archive_command that succeeds until a test makes it fail;</li>
 *   <li>{@code standby}: a streaming standby of edge (pg_basebackup -R) reporting every second, with
 *       archive_mode always and an empty archive_command (archiving enabled, but nothing is ever archived);</li>
 *   <li>{@code bounce}: a cluster tests stop, restart and create replication slots on
 *       (max_slot_wal_keep_size 1MB, so an unconsumed slot loses WAL quickly).</li>
 * </ul>
 * The clusters are injected into a test field of type {@link Clusters} annotated with {@link InjectInfra}.
 */
public class RuleClustersTestResource implements QuarkusTestResourceLifecycleManager {

    /** The started clusters. */
    public record Clusters(ThrowawayPostgres edge, ThrowawayPostgres standby, ThrowawayPostgres bounce) {
    }

    private Clusters clusters;
    private ThrowawayPostgres edge;
    private ThrowawayPostgres standby;
    private ThrowawayPostgres bounce;

    @Override
    public Map<String, String> start() {
        try {
            PostgresBinaries binaries = PostgresBinaries.locate();
            edge = ThrowawayPostgres.launch(binaries, 0, List.of("max_connections = 20", "shared_buffers = 16MB",
                    "archive_mode = on", "archive_command = '/bin/true'"));
            standby = ThrowawayPostgres.launchStandby(edge, List.of("hot_standby = on",
                    "wal_receiver_status_interval = 1s", "archive_mode = always", "archive_command = ''"));
            bounce = ThrowawayPostgres.launch(binaries, 0, List.of("max_slot_wal_keep_size = 1MB"));
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        clusters = new Clusters(edge, standby, bounce);
        Map<String, String> config = new HashMap<>();
        target(config, "edge", edge);
        target(config, "standby", standby);
        target(config, "bounce", bounce);
        return config;
    }

    private static void target(Map<String, String> config, String id, ThrowawayPostgres server) {
        String prefix = "autopilot.targets." + id + ".";
        config.put(prefix + "url", server.uri("postgres"));
        config.put(prefix + "username", server.user());
        config.put(prefix + "password", server.password());
        config.put(prefix + "interval", "1s");
        config.put(prefix + "disabled-families", "broken_probe");
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(clusters, new TestInjector.AnnotatedAndMatchesType(InjectInfra.class, Clusters.class));
    }

    @Override
    public void stop() {
        for (ThrowawayPostgres pg : new ThrowawayPostgres[] {standby, edge, bounce}) {
            if (pg != null) {
                pg.close();
            }
        }
    }
}
