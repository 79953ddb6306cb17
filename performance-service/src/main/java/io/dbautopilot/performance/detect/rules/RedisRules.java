package io.dbautopilot.performance.detect.rules;

import io.dbautopilot.model.Engine;
import io.dbautopilot.performance.detect.DetectionConfig;
import io.dbautopilot.performance.engine.EngineRules;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Set;

/**
 * The rules of Redis targets ({@code autopilot.detection.redis-rules-file}, shipped {@code rules/redis-rules.yaml}):
 * loaded at start (an invalid file fails the start), reloaded when the file changes.
 */
@Startup
@ApplicationScoped
public class RedisRules implements EngineRules {

    private final ActiveRules rules;

    public RedisRules(RuleLoader loader, DetectionConfig config) {
        this.rules = new ActiveRules(loader, config.redisRulesFile());
    }

    @Override
    public Set<Engine> engines() {
        return Set.of(Engine.REDIS);
    }

    @Override
    public RuleSet current() {
        return rules.current();
    }

    /** Reloads the file if it changed; keeps the old rules if the new text is invalid. */
    @Scheduled(every = "${autopilot.detection.reload-interval:10s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reloadIfChanged() {
        rules.reloadIfChanged();
    }
}
