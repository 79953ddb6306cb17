package io.dbautopilot.performance.fleet;

import io.dbautopilot.performance.engine.Engines;
import io.dbautopilot.model.TargetDefinition;
import io.dbautopilot.performance.collect.TargetsConfig;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A property target ({@code autopilot.targets.<id>.*}) as a registry definition: source {@code properties}, no
 * credentials_ref (its password stays a local property), settings at their default left out.
 */
public final class PropertyTargets {

    /** The {@code source} and {@code updated_by} of definitions imported from properties. */
    public static final String SOURCE = "properties";

    private PropertyTargets() {
    }

    /** The definition of a property target (not stamped). */
    public static TargetDefinition definition(String id, TargetsConfig.Target target) {
        Map<String, String> families = new LinkedHashMap<>();
        target.familyIntervals().forEach((f, d) -> families.put(f, text(d)));
        TargetDefinition.Collection collection = new TargetDefinition.Collection(
                unlessDefault(target.interval(), RegistryTargetSettings.DEFAULT_INTERVAL),
                unlessDefault(target.queryTimeout(), RegistryTargetSettings.DEFAULT_QUERY_TIMEOUT),
                target.maxConnections() == RegistryTargetSettings.DEFAULT_MAX_CONNECTIONS ? null : target.maxConnections(),
                unlessDefault(target.cycleBudget(), RegistryTargetSettings.DEFAULT_CYCLE_BUDGET),
                target.includeDatabases().orElse(List.of()), target.excludeDatabases().orElse(List.of()),
                target.disabledFamilies().orElse(List.of()), families, target.busyConnectionRatio().orElse(null),
                target.hostMetrics().orElse(null), target.dataDirectory().orElse(null));
        return new TargetDefinition(id, Engines.of(target), target.url().toString(), target.username().orElse(null), null,
                Map.of(), collection, null, null, null, null, null);
    }

    /** The local password of a target id ({@code autopilot.targets.<id>.password}), if set. */
    public static Optional<String> localPassword(TargetsConfig config, String id) {
        TargetsConfig.Target local = config.targets().get(id);
        return local == null ? Optional.empty() : local.password();
    }

    private static String unlessDefault(Duration value, Duration fallback) {
        return value.equals(fallback) ? null : text(value);
    }

    /** A duration as configuration text: {@code 1h}, {@code 2m}, {@code 15s}, {@code 1500ms}, or ISO-8601 when finer. */
    static String text(Duration d) {
        if (d.toNanosPart() == 0 && !d.isZero() && d.toSeconds() % 3600 == 0) {
            return d.toHours() + "h";
        }
        if (d.toNanosPart() == 0 && !d.isZero() && d.toSeconds() % 60 == 0) {
            return d.toMinutes() + "m";
        }
        if (d.toNanosPart() == 0) {
            return d.toSeconds() + "s";
        }
        if (d.toNanos() % 1_000_000 == 0) {
            return d.toMillis() + "ms";
        }
        return d.toString();
    }
}
