package io.dbautopilot.performance.engine;

import io.dbautopilot.model.Engine;
import io.dbautopilot.performance.collect.CycleResult;
import io.dbautopilot.performance.collect.FamilyCatalog;
import io.dbautopilot.performance.collect.SnapshotCollector;
import io.dbautopilot.performance.collect.TargetConnections;
import io.dbautopilot.performance.collect.TargetRuntime;
import io.dbautopilot.performance.collect.TargetsConfig;
import io.dbautopilot.performance.fleet.TargetCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/** PostgreSQL behind the collection SPI: the reference collector ({@link SnapshotCollector}), unchanged. */
@ApplicationScoped
public class PostgresCollector implements EngineCollector {

    private final SnapshotCollector collector;
    private final FamilyCatalog catalog;
    private final TargetCheck checker;

    public PostgresCollector(SnapshotCollector collector, FamilyCatalog catalog, TargetCheck checker) {
        this.collector = collector;
        this.catalog = catalog;
        this.checker = checker;
    }

    @Override
    public Set<Engine> engines() {
        return Set.of(Engine.POSTGRESQL);
    }

    @Override
    public Set<String> familyNames() {
        return catalog.names();
    }

    @Override
    public void validate(String targetId, TargetsConfig.Target target) {
        TargetConnections.connectOptions(targetId, target);
    }

    @Override
    public Uni<CycleResult> collect(TargetRuntime target) {
        return collector.collect(target);
    }

    @Override
    public ServerCheck check(String targetId, TargetsConfig.Target target) {
        TargetCheck.Result r = checker.check(targetId, target);
        return new ServerCheck(r.ok(), r.serverVersion(), r.error(), r.field());
    }

    @Override
    public String upMetric() {
        return "pg_up";
    }
}
