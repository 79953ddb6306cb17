package io.dbautopilot.performance.detect.statistical;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.detect.Finding;
import io.dbautopilot.performance.detect.rules.Comparison;
import io.dbautopilot.performance.detect.rules.Expression;
import io.dbautopilot.performance.detect.rules.MetricCatalog;
import io.dbautopilot.performance.detect.rules.Observation;
import io.dbautopilot.performance.detect.rules.PointIndex;
import io.dbautopilot.performance.detect.rules.Rule;
import io.dbautopilot.performance.detect.rules.RuleEvaluator;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The statistical detector: scores each fresh reading of the watched series (TPS, WAL rate, temp bytes, statement
 * mean time, connections by default) as a robust z-score against its {@link SeasonalBaseline}, then records it in
 * the series' history. Only readings of families that ran this cycle count (a value kept from an earlier cycle is
 * not a new reading). Histories are persisted by {@link SeriesHistories}.
 */
@Startup
@ApplicationScoped
public class StatisticalDetector {

    /** The {@code detector} column of its histories. */
    static final String DETECTOR = "baseline";

    /** A watched series kind, resolved from the configuration. */
    record Watched(String name, BaselineConfig.Series config, Rule rule) {
    }

    private record Reading(double value, Instant at) {
    }

    private final BaselineConfig config;
    private final List<Watched> watched;
    private final SeasonalBaseline baseline;
    private final SeriesHistories histories;
    private final Map<String, Reading> counters = new ConcurrentHashMap<>();

    @Inject
    public StatisticalDetector(BaselineConfig config, MetricCatalog catalog, DetectorSeriesStore store) {
        this.config = config;
        this.watched = validate(config, catalog);
        ZoneId zone = ZoneId.of(config.timeZone());
        this.baseline = new SeasonalBaseline(config.warmUp(), config.minSamples(), config.seasonalMinWeeks(),
                config.dailyWindow(), config.recentWindow(), zone);
        this.histories = new SeriesHistories(DETECTOR, config.slot(), config.window(), store);
    }

    /** Checks the settings; a bad one fails the start naming the setting. */
    static List<Watched> validate(BaselineConfig config, MetricCatalog catalog) {
        String p = "autopilot.detection.baseline.";
        try {
            ZoneId.of(config.timeZone());
        } catch (DateTimeException e) {
            throw new IllegalStateException(p + "time-zone: unknown time zone '" + config.timeZone() + "'");
        }
        if (config.slot().isNegative() || config.slot().toSeconds() < 1) {
            throw new IllegalStateException(p + "slot must be at least 1s, was " + config.slot());
        }
        if (config.window().compareTo(config.slot().multipliedBy(2)) < 0 || config.window().toSeconds() / config.slot().toSeconds() > 1_000_000) {
            throw new IllegalStateException(p + "window must hold 2 to 1,000,000 slots of " + config.slot() + ", was " + config.window());
        }
        if (!(config.resolveZ() >= 0 && config.resolveZ() < config.warningZ() && config.warningZ() < config.criticalZ())) {
            throw new IllegalStateException(p + "resolve-z < warning-z < critical-z must hold, was " + config.resolveZ()
                    + " / " + config.warningZ() + " / " + config.criticalZ());
        }
        if (config.minSamples() < 3) {
            throw new IllegalStateException(p + "min-samples must be at least 3, was " + config.minSamples());
        }
        List<Watched> out = new ArrayList<>();
        for (Map.Entry<String, BaselineConfig.Series> e : new TreeMap<>(config.series()).entrySet()) {
            String name = e.getKey();
            BaselineConfig.Series s = e.getValue();
            String q = p + "series." + name + ".";
            if (!name.matches("[a-z0-9_]+")) {
                throw new IllegalStateException(p + "series." + name + ": name must be lower-case letters, digits and _");
            }
            if (!catalog.contains(s.metric())) {
                throw new IllegalStateException(q + "metric: '" + s.metric() + "' is not in metrics-catalog.txt");
            }
            if (!List.of("up", "down", "both").contains(s.direction())) {
                throw new IllegalStateException(q + "direction must be up, down or both, was '" + s.direction() + "'");
            }
            if (!(s.minDeviation() >= 0)) {
                throw new IllegalStateException(q + "min-deviation must be >= 0, was " + s.minDeviation());
            }
            if (!s.enabled()) {
                continue;
            }
            java.util.NavigableMap<Severity, Double> thresholds = new java.util.TreeMap<>();
            thresholds.put(Severity.WARNING, config.warningZ());
            thresholds.put(Severity.CRITICAL, config.criticalZ());
            String what = s.description().orElse(s.metric() + (s.rate() ? " rate" : "") + " far "
                    + switch (s.direction()) {
                        case "up" -> "above";
                        case "down" -> "below";
                        default -> "off";
                    } + " its usual level");
            Rule rule = new Rule("baseline_" + name, new Expression.Metric("z(" + s.metric() + (s.rate() ? " rate" : "") + ")"),
                    Map.of(), List.of(), Comparison.ABOVE, thresholds, config.resolveZ(), config.forDuration(),
                    config.cooldown(), s.action(), s.object().orElse(List.of()), what, true);
            out.add(new Watched(name, s, rule));
        }
        return List.copyOf(out);
    }

    /** The watched series kinds. */
    List<Watched> watched() {
        return watched;
    }

    /**
     * Scores the fresh readings of every watched series of a target and records them.
     *
     * @param fresh the points of the families that ran this cycle
     */
    public List<Finding> evaluate(String targetId, PointIndex fresh, Instant now) {
        if (!config.enabled()) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        Map<String, SlotSeries> series = histories.of(targetId);
        synchronized (series) {
            for (Watched w : watched) {
                out.add(new Finding(w.rule(), evaluate(targetId, w, fresh.named(w.config().metric()), series, now)));
            }
        }
        return out;
    }

    private RuleEvaluator.Evaluation evaluate(String targetId, Watched w, List<MetricPoint> points,
                                              Map<String, SlotSeries> series, Instant now) {
        if (points.isEmpty()) {
            return new RuleEvaluator.Evaluation(false, List.of());
        }
        boolean known = true;
        List<Observation> observations = new ArrayList<>();
        for (MetricPoint p : points) {
            String object = RuleEvaluator.objectOf(w.rule(), p.labels());
            String key = w.name() + "|" + (object == null ? "" : object);
            Double value = w.config().rate() ? rate(targetId + "|" + key, p.value(), now) : Double.valueOf(p.value());
            if (value == null || !Double.isFinite(value)) {
                known = false; // a rate needs two readings: say nothing rather than resolve
                continue;
            }
            SlotSeries history = histories.series(series, key);
            Optional<SeasonalBaseline.Expected> expected = baseline.expected(history, now);
            history.record(now, value);
            histories.touched(targetId, key);
            observations.add(expected.map(e -> score(w, object, value, e, now))
                    .orElseGet(() -> new Observation(object, 0.0, Map.of("value", 0.0, "reading", value), "warming up")));
        }
        return new RuleEvaluator.Evaluation(known || !observations.isEmpty(), observations);
    }

    private Observation score(Watched w, String object, double value, SeasonalBaseline.Expected e, Instant now) {
        double scale = e.scale(config.relativeSpreadFloor());
        double deviation = value - e.median();
        double signed = switch (w.config().direction()) {
            case "up" -> deviation;
            case "down" -> -deviation;
            default -> Math.abs(deviation);
        };
        double z = Math.min(signed / scale, 1e9);
        double scored = signed >= w.config().minDeviation() ? z : Math.min(z, 0.0);
        Map<String, Double> evidence = new LinkedHashMap<>();
        evidence.put("value", scored);
        evidence.put("z", z);
        evidence.put("reading", value);
        evidence.put("median", e.median());
        evidence.put("mad", e.mad());
        evidence.put("baseline_samples", (double) e.samples());
        String basis = switch (e.kind()) {
            case HOUR_OF_WEEK -> "hour of week " + baseline.hourLabel(now);
            case HOUR_OF_DAY -> "hour of day " + baseline.hourLabel(now).substring(4);
            case RECENT -> "last " + human(config.recentWindow());
        };
        String detail = String.format(Locale.ROOT, "reading %.6g vs usual %.6g ± %.3g (%s, %d readings)", value,
                e.median(), 1.4826 * e.mad(), basis, e.samples());
        return new Observation(object, scored, evidence, detail);
    }

    private Double rate(String key, double counter, Instant now) {
        Reading before = counters.put(key, new Reading(counter, now));
        if (before == null || !now.isAfter(before.at()) || counter < before.value()) {
            return null;
        }
        return (counter - before.value()) / ((now.toEpochMilli() - before.at().toEpochMilli()) / 1000.0);
    }

    private static String human(Duration d) {
        return d.toString().substring(2).toLowerCase(Locale.ROOT);
    }

    /** Writes changed histories to the state database. */
    @Scheduled(every = "${autopilot.detection.baseline.persist-interval:1m}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void persist() {
        histories.flush(Instant.now());
    }

    void onStop(@Observes ShutdownEvent event) {
        persist();
    }

    /**
     * A target this instance gave up: its histories go to the state database now, so its new owner loads them
     * (histories load per target on first use) and continues where this instance stopped.
     */
    void onReleased(@Observes io.dbautopilot.performance.collect.TargetRegistry.Released released) {
        persistAndForget(released.id());
    }

    /** Writes changed histories now and forgets the in-memory ones of a target (tests: as after a restart). */
    void persistAndForget(String targetId) {
        histories.flush(Instant.now());
        histories.forget(targetId);
        counters.keySet().removeIf(k -> k.startsWith(targetId + "|"));
    }
}
