package io.dbautopilot.performance.detect;

import io.dbautopilot.model.AnomalyState;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.detect.forecast.ForecastDetector;
import io.dbautopilot.performance.detect.lifecycle.AnomalyLifecycle;
import io.dbautopilot.performance.detect.lifecycle.AnomalyRecord;
import io.dbautopilot.performance.detect.lifecycle.Transition;
import io.dbautopilot.performance.detect.rules.PointIndex;
import io.dbautopilot.performance.detect.statistical.StatisticalDetector;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs the statistical or forecast detector through the real lifecycle, keeping anomaly state in a map; the
 * configuration is the real {@code @ConfigMapping} built from the shipped application.properties' series plus
 * overrides.
 */
public final class DetectorDriver {

    /** A published change. */
    public record Published(AnomalyState state, AnomalyRecord record) {
    }

    final AnomalyLifecycle lifecycle = new AnomalyLifecycle();
    public final Map<String, AnomalyRecord> state = new HashMap<>();
    public final List<Published> published = new ArrayList<>();
    private final String target;
    private final Function<PointIndex, List<Finding>> detector;

    private DetectorDriver(String target, Function<PointIndex, List<Finding>> detector) {
        this.target = target;
        this.detector = detector;
    }

    public static <T> T config(Class<T> mapping, Map<String, String> overrides) {
        Map<String, String> props = new HashMap<>();
        try (var in = DetectorDriver.class.getClassLoader().getResourceAsStream("application.properties")) {
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            p.stringPropertyNames().stream().filter(k -> k.startsWith("autopilot.detection."))
                    .forEach(k -> props.put(k, p.getProperty(k)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        props.putAll(overrides);
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(mapping)
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new PropertiesConfigSource(props, "test", 500)).build();
        return config.getConfigMapping(mapping);
    }

    public static DetectorDriver statistical(String target, StatisticalDetector d, Instant[] clock) {
        return new DetectorDriver(target, fresh -> d.evaluate(target, fresh, clock[0]));
    }

    public static DetectorDriver forecast(String target, ForecastDetector d, Instant[] clock) {
        return new DetectorDriver(target, fresh -> d.evaluate(target, fresh, clock[0]));
    }

    /** One cycle with these fresh points at {@code now}; returns what it published. */
    public List<Published> cycle(List<MetricPoint> fresh, Instant now) {
        List<Published> out = new ArrayList<>();
        for (Finding f : detector.apply(PointIndex.of(fresh))) {
            Map<String, AnomalyRecord> mine = new HashMap<>();
            state.values().stream().filter(r -> r.rule().equals(f.rule().name())).forEach(r -> mine.put(r.fingerprint(), r));
            for (Transition t : lifecycle.step(target, f.rule(), f.evaluation(), mine, now)) {
                if (t.delete()) {
                    state.remove(t.record().fingerprint());
                } else {
                    state.put(t.record().fingerprint(), t.record());
                }
                if (t.publish() != null) {
                    out.add(new Published(t.publish(), t.record()));
                }
            }
        }
        published.addAll(out);
        return out;
    }
}
