package io.dbautopilot.performance.detect.forecast;

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
import io.dbautopilot.performance.detect.statistical.DetectorSeriesStore;
import io.dbautopilot.performance.detect.statistical.SeriesHistories;
import io.dbautopilot.performance.detect.statistical.SlotSeries;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.apache.commons.math3.stat.regression.SimpleRegression;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Time-to-exhaustion forecasts: fits a least-squares line through each watched level's readings of the window
 * (disk used ratio, XID / MXID wraparound ratio, connection utilisation, sequence used ratio by default) and reports
 * the seconds until it reaches its limit; the lifecycle opens an anomaly whose severity grows as that time shrinks.
 */
@Startup
@ApplicationScoped
public class ForecastDetector {

    /** The {@code detector} column of its histories. */
    static final String DETECTOR = "forecast";

    /** Reported for a level that is not rising (or not clearly): far beyond any threshold. */
    static final double NOT_FILLING = 100.0 * 365 * 86400;

    /** A forecast series kind, resolved from the configuration. */
    record Watched(String name, ForecastConfig.Series config, Rule rule) {
    }

    private final ForecastConfig config;
    private final List<Watched> watched;
    private final SeriesHistories histories;

    @Inject
    public ForecastDetector(ForecastConfig config, MetricCatalog catalog, DetectorSeriesStore store) {
        this.config = config;
        this.watched = validate(config, catalog);
        this.histories = new SeriesHistories(DETECTOR, config.slot(), config.window(), store);
    }

    /** Checks the settings; a bad one fails the start naming the setting. */
    static List<Watched> validate(ForecastConfig config, MetricCatalog catalog) {
        String p = "autopilot.detection.forecast.";
        if (config.slot().toSeconds() < 1) {
            throw new IllegalStateException(p + "slot must be at least 1s, was " + config.slot());
        }
        long slots = config.window().toSeconds() / config.slot().toSeconds();
        if (slots < config.minSamples() || slots > 100_000) {
            throw new IllegalStateException(p + "window must hold min-samples (" + config.minSamples()
                    + ") to 100,000 slots of " + config.slot() + ", was " + config.window());
        }
        if (config.minSamples() < 3) {
            throw new IllegalStateException(p + "min-samples must be at least 3, was " + config.minSamples());
        }
        if (config.minSpan().compareTo(config.window()) > 0) {
            throw new IllegalStateException(p + "min-span must not exceed window " + config.window());
        }
        if (!(config.emergencyWithin().compareTo(config.criticalWithin()) < 0
                && config.criticalWithin().compareTo(config.warningWithin()) < 0)) {
            throw new IllegalStateException(p + "emergency-within < critical-within < warning-within must hold, was "
                    + config.emergencyWithin() + " / " + config.criticalWithin() + " / " + config.warningWithin());
        }
        List<Watched> out = new ArrayList<>();
        for (Map.Entry<String, ForecastConfig.Series> e : new TreeMap<>(config.series()).entrySet()) {
            String name = e.getKey();
            ForecastConfig.Series s = e.getValue();
            String q = p + "series." + name + ".";
            if (!name.matches("[a-z0-9_]+")) {
                throw new IllegalStateException(p + "series." + name + ": name must be lower-case letters, digits and _");
            }
            if (!catalog.contains(s.metric())) {
                throw new IllegalStateException(q + "metric: '" + s.metric() + "' is not in metrics-catalog.txt");
            }
            if (!Double.isFinite(s.limit())) {
                throw new IllegalStateException(q + "limit must be a number, was " + s.limit());
            }
            if (!s.enabled()) {
                continue;
            }
            NavigableMap<Severity, Double> thresholds = new TreeMap<>();
            thresholds.put(Severity.WARNING, (double) config.warningWithin().toSeconds());
            thresholds.put(Severity.CRITICAL, (double) config.criticalWithin().toSeconds());
            thresholds.put(Severity.EMERGENCY, (double) config.emergencyWithin().toSeconds());
            Rule rule = new Rule("forecast_" + name, new Expression.Metric("seconds_to_limit(" + s.metric() + ")"),
                    Map.of(), List.of(), Comparison.BELOW, thresholds, config.warningWithin().toSeconds() * 1.5,
                    config.forDuration(), config.cooldown(), s.action(), s.object().orElse(List.of()),
                    s.description().orElse(s.metric() + " reaches " + s.limit()) + " forecast", true);
            out.add(new Watched(name, s, rule));
        }
        return List.copyOf(out);
    }

    /** Forecasts every watched series of a target from its fresh readings and records them. */
    public List<Finding> evaluate(String targetId, PointIndex fresh, Instant now) {
        if (!config.enabled()) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        Map<String, SlotSeries> series = histories.of(targetId);
        synchronized (series) {
            for (Watched w : watched) {
                List<MetricPoint> points = fresh.named(w.config().metric());
                if (points.isEmpty()) {
                    out.add(new Finding(w.rule(), new RuleEvaluator.Evaluation(false, List.of())));
                    continue;
                }
                List<Observation> observations = new ArrayList<>();
                for (MetricPoint p : points) {
                    if (!Double.isFinite(p.value())) {
                        continue;
                    }
                    String object = RuleEvaluator.objectOf(w.rule(), p.labels());
                    String key = w.name() + "|" + (object == null ? "" : object);
                    SlotSeries history = histories.series(series, key);
                    history.record(now, p.value());
                    histories.touched(targetId, key);
                    observations.add(forecast(w, object, history, p.value(), now));
                }
                out.add(new Finding(w.rule(), new RuleEvaluator.Evaluation(true, observations)));
            }
        }
        return out;
    }

    private Observation forecast(Watched w, String object, SlotSeries history, double latest, Instant now) {
        double limit = w.config().limit();
        Map<String, Double> evidence = new LinkedHashMap<>();
        evidence.put("reading", latest);
        evidence.put("limit", limit);
        SimpleRegression line = new SimpleRegression();
        long newest = history.newestSlot();
        long oldest = Math.max(history.oldestSlot(), newest - config.window().toSeconds() / history.slotSeconds() + 1);
        long firstSeen = Long.MAX_VALUE;
        for (long s = oldest; s <= newest; s++) {
            double v = history.valueAt(s);
            if (!Double.isNaN(v)) {
                line.addData((s - newest) * (double) history.slotSeconds(), v);
                firstSeen = Math.min(firstSeen, s);
            }
        }
        long span = firstSeen == Long.MAX_VALUE ? 0 : (newest - firstSeen) * history.slotSeconds();
        evidence.put("samples", (double) line.getN());
        if (latest >= limit) {
            evidence.put("value", 0.0);
            return new Observation(object, 0.0, evidence, String.format(Locale.ROOT, "already at %.6g of %.6g", latest, limit));
        }
        if (line.getN() < config.minSamples() || span < config.minSpan().toSeconds()) {
            evidence.put("value", NOT_FILLING);
            return new Observation(object, NOT_FILLING, evidence, "not enough history for a forecast yet");
        }
        double slope = line.getSlope(); // per second
        double r2 = line.getRSquare();
        evidence.put("slope_per_hour", slope * 3600);
        evidence.put("r_squared", Double.isFinite(r2) ? r2 : 0.0);
        if (!(slope > 0) || !(r2 >= config.minRSquared())) {
            evidence.put("value", NOT_FILLING);
            return new Observation(object, NOT_FILLING, evidence, slope > 0
                    ? String.format(Locale.ROOT, "no clear trend (R² %.2f)", r2) : "not rising");
        }
        double eta = Math.min((limit - latest) / slope, NOT_FILLING);
        evidence.put("value", eta);
        evidence.put("eta_hours", eta / 3600);
        Instant at = now.plusSeconds((long) eta).truncatedTo(ChronoUnit.MINUTES);
        evidence.put("exhausted_at_epoch_seconds", (double) at.getEpochSecond());
        String detail = String.format(Locale.ROOT, "limit %.6g reached in %s (around %s) at %+.3g per hour, now %.6g, "
                + "fit R² %.2f over %d readings", limit, human(eta), at, slope * 3600, latest, r2, line.getN());
        return new Observation(object, eta, evidence, detail);
    }

    static String human(double seconds) {
        Duration d = Duration.ofSeconds((long) seconds);
        if (d.toDays() >= 2) {
            return d.toDays() + "d " + d.toHoursPart() + "h";
        }
        if (d.toHours() >= 1) {
            return d.toHours() + "h " + d.toMinutesPart() + "m";
        }
        return d.toMinutes() + "m " + d.toSecondsPart() + "s";
    }

    /** Writes changed histories to the state database. */
    @Scheduled(every = "${autopilot.detection.forecast.persist-interval:1m}", delayed = "30s",
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
    }
}
