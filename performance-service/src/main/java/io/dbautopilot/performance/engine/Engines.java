package io.dbautopilot.performance.engine;

import io.dbautopilot.model.Engine;
import io.dbautopilot.performance.advise.Advisor;
import io.dbautopilot.performance.collect.TargetsConfig;
import io.dbautopilot.support.url.DatabaseUrl;
import io.quarkus.arc.All;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The engine SPI's lookup: per capability (collection, detection rules, health checks, advisors), the implementation
 * serving a target's engine, or the reason there is none ({@code unavailable: <reason>}).
 */
@ApplicationScoped
public class Engines {

    /** Capability names as the API reports them. */
    public static final String COLLECTION = "collection";
    public static final String DETECTION = "detection";
    public static final String HEALTH = "health";
    public static final String ADVICE = "advice";

    private final List<EngineCollector> collectors;
    private final List<EngineRules> rules;
    private final List<EngineHealthChecks> checks;
    private final List<Advisor> advisors;

    public Engines(@All List<EngineCollector> collectors, @All List<EngineRules> rules,
                   @All List<EngineHealthChecks> checks, @All List<Advisor> advisors) {
        this.collectors = collectors;
        this.rules = rules;
        this.checks = checks;
        this.advisors = advisors;
    }

    /** The engine of a target's settings, from its URL's scheme ({@code mysql://} is MySQL, {@code mariadb://} MariaDB). */
    public static Engine of(TargetsConfig.Target target) {
        return of(target.url());
    }

    /** The engine a URL names. */
    public static Engine of(DatabaseUrl url) {
        return Engine.fromWire(url.engine());
    }

    /** Whether a URL's engine may serve a target of this engine (MySQL and MariaDB speak one protocol). */
    public static boolean compatible(Engine engine, DatabaseUrl url) {
        Engine named = of(url);
        return named == engine || (isMySqlFamily(engine) && isMySqlFamily(named));
    }

    /** MySQL or MariaDB. */
    public static boolean isMySqlFamily(Engine engine) {
        return engine == Engine.MYSQL || engine == Engine.MARIADB;
    }

    /** The collector of an engine, if it has one. */
    public Optional<EngineCollector> collector(Engine engine) {
        return collectors.stream().filter(c -> c.engines().contains(engine)).findFirst();
    }

    /** The collector of an engine; fails with the unavailable reason if it has none. */
    public EngineCollector requireCollector(Engine engine) {
        return collector(engine).orElseThrow(() -> new IllegalArgumentException(notCollected(engine)));
    }

    /** The rule set of an engine, if it has one. */
    public Optional<EngineRules> rules(Engine engine) {
        return rules.stream().filter(r -> r.engines().contains(engine)).findFirst();
    }

    /** The health checks of an engine, if it has them. */
    public Optional<EngineHealthChecks> healthChecks(Engine engine) {
        return checks.stream().filter(c -> c.engines().contains(engine)).findFirst();
    }

    /** The advisors that can examine targets of an engine. */
    public List<Advisor> advisors(Engine engine) {
        return advisors.stream().filter(a -> a.engines().contains(engine)).toList();
    }

    /** Why an engine is not collected (it has no collector). */
    public static String notCollected(Engine engine) {
        return "engine " + (engine == null ? "(none)" : engine.wire()) + " has no collector yet";
    }

    /**
     * Every capability of an engine: {@code available}, or {@code unavailable: <reason>}.
     */
    public Map<String, String> capabilities(Engine engine) {
        Map<String, String> out = new LinkedHashMap<>();
        String name = engine.wire();
        out.put(COLLECTION, collector(engine).isPresent() ? "available" : "unavailable: " + notCollected(engine));
        out.put(DETECTION, rules(engine).isPresent() ? "available"
                : "unavailable: engine " + name + " has no rule set yet");
        out.put(HEALTH, healthChecks(engine).isPresent() ? "available"
                : "unavailable: engine " + name + " has no health checks yet");
        out.put(ADVICE, advisors(engine).isEmpty() ? "unavailable: engine " + name + " has no advisors yet"
                : "available");
        return out;
    }
}
