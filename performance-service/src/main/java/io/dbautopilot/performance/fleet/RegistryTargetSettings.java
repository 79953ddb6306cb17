package io.dbautopilot.performance.fleet;

import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.performance.collect.TargetsConfig;
import io.dbautopilot.performance.engine.Engines;
import io.dbautopilot.support.url.DatabaseUrl;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A registry target as the collector's {@link TargetsConfig.Target}: every setting the definition leaves out takes
 * the {@code @WithDefault} of {@link TargetsConfig.Target}, exactly as a property target would.
 *
 * @param definition the registered definition
 * @param url        its parsed URL
 * @param password   the resolved password, if any; never logged ({@link #toString()} hides it)
 */
public record RegistryTargetSettings(TargetDefinition definition, DatabaseUrl url, Optional<String> password)
        implements TargetsConfig.Target {

    /** Defaults of {@link TargetsConfig.Target}, read from its annotations so they are stated once. */
    static final Duration DEFAULT_INTERVAL = defaultDuration("interval");
    static final Duration DEFAULT_QUERY_TIMEOUT = defaultDuration("queryTimeout");
    static final Duration DEFAULT_CYCLE_BUDGET = defaultDuration("cycleBudget");
    static final int DEFAULT_MAX_CONNECTIONS = Integer.parseInt(defaultText("maxConnections"));

    /**
     * The settings of a definition; fails with a message naming the field when its URL cannot serve its engine or a
     * setting is malformed (whether the engine has a collector at all is {@code Engines}' question).
     *
     * @throws IllegalArgumentException naming the field (no engine, URL of another engine, bad URL or duration)
     */
    public static RegistryTargetSettings of(TargetDefinition definition, Optional<String> password) {
        if (definition.engine() == null) {
            throw new IllegalArgumentException("engine: missing");
        }
        DatabaseUrl url;
        try {
            url = DatabaseUrl.parse(definition.url());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("url: " + e.getMessage());
        }
        if (!Engines.compatible(definition.engine(), url)) {
            throw new IllegalArgumentException("url: a " + url.engine() + " URL cannot reach a "
                    + definition.engine().wire() + " target");
        }
        TargetDefinition.Collection c = definition.collection();
        duration("collection.interval", c.interval(), DEFAULT_INTERVAL);
        duration("collection.query_timeout", c.queryTimeout(), DEFAULT_QUERY_TIMEOUT);
        duration("collection.cycle_budget", c.cycleBudget(), DEFAULT_CYCLE_BUDGET);
        c.familyIntervals().forEach((f, d) -> duration("collection.family_intervals." + f, d, null));
        return new RegistryTargetSettings(definition, url, password);
    }

    private TargetDefinition.Collection collection() {
        return definition.collection();
    }

    @Override
    public Optional<String> username() {
        return Optional.ofNullable(definition.username());
    }

    @Override
    public Duration interval() {
        return duration("collection.interval", collection().interval(), DEFAULT_INTERVAL);
    }

    @Override
    public Duration queryTimeout() {
        return duration("collection.query_timeout", collection().queryTimeout(), DEFAULT_QUERY_TIMEOUT);
    }

    @Override
    public int maxConnections() {
        return collection().maxConnections() == null ? DEFAULT_MAX_CONNECTIONS : collection().maxConnections();
    }

    @Override
    public Duration cycleBudget() {
        return duration("collection.cycle_budget", collection().cycleBudget(), DEFAULT_CYCLE_BUDGET);
    }

    @Override
    public Optional<List<String>> includeDatabases() {
        return nonEmpty(collection().includeDatabases());
    }

    @Override
    public Optional<List<String>> excludeDatabases() {
        return nonEmpty(collection().excludeDatabases());
    }

    @Override
    public Optional<List<String>> disabledFamilies() {
        return nonEmpty(collection().disabledFamilies());
    }

    @Override
    public Map<String, Duration> familyIntervals() {
        Map<String, Duration> out = new LinkedHashMap<>();
        collection().familyIntervals().forEach((f, d) -> out.put(f, duration("collection.family_intervals." + f, d, null)));
        return out;
    }

    @Override
    public Optional<Double> busyConnectionRatio() {
        return Optional.ofNullable(collection().busyConnectionRatio());
    }

    @Override
    public Optional<Boolean> hostMetrics() {
        return Optional.ofNullable(collection().hostMetrics());
    }

    @Override
    public Optional<String> dataDirectory() {
        return Optional.ofNullable(collection().dataDirectory());
    }

    @Override
    public String toString() {
        return "RegistryTargetSettings[" + definition.id() + " " + url + ", password " + (password.isPresent() ? "set" : "none") + "]";
    }

    private static Optional<List<String>> nonEmpty(List<String> list) {
        return list == null || list.isEmpty() ? Optional.empty() : Optional.of(list);
    }

    static Duration duration(String field, String text, Duration fallback) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            return DurationConverter.parseDuration(text.trim());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(field + ": '" + text + "' is not a duration (e.g. 15s, 2m, PT15S)");
        }
    }

    private static String defaultText(String method) {
        try {
            return TargetsConfig.Target.class.getMethod(method).getAnnotation(WithDefault.class).value();
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Duration defaultDuration(String method) {
        return DurationConverter.parseDuration(defaultText(method));
    }
}
