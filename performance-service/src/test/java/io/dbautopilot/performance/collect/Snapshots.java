package io.dbautopilot.performance.collect;

import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.FamilyResult;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.restassured.RestAssured;
import org.awaitility.Awaitility;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/** Reads a running service's latest snapshots through {@code GET /api/targets/{id}/snapshot}. */
public final class Snapshots {

    private Snapshots() {
    }

    /** The latest snapshot of a target, or empty before its first cycle. */
    public static Optional<MetricSnapshot> latest(String target) {
        var response = RestAssured.get("/api/targets/{id}/snapshot", target);
        if (response.statusCode() != 200) {
            return Optional.empty();
        }
        try {
            return Optional.of(EventJson.newMapper().readValue(response.asString(), MetricSnapshot.class));
        } catch (Exception e) {
            throw new AssertionError("not a snapshot: " + response.asString(), e);
        }
    }

    /** Waits for a snapshot of a cycle that started after {@code after} and satisfies {@code wanted}. */
    public static MetricSnapshot await(String target, Instant after, Predicate<MetricSnapshot> wanted) {
        AtomicReference<MetricSnapshot> seen = new AtomicReference<>();
        try {
            Awaitility.await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(300)).until(() -> {
                Optional<MetricSnapshot> s = latest(target).filter(x -> x.collectedAt().isAfter(after));
                s.ifPresent(seen::set);
                return s.filter(wanted).isPresent();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no snapshot of " + target + " matched within 45 s; last seen: "
                    + (seen.get() == null ? "none" : describe(seen.get())), e);
        }
        return seen.get();
    }

    /** A value by name and labels (key, value pairs), or empty. */
    public static OptionalDouble value(MetricSnapshot s, String name, String... labels) {
        for (MetricPoint p : s.points()) {
            if (p.name().equals(name) && matches(p.labels(), labels)) {
                return OptionalDouble.of(p.value());
            }
        }
        return OptionalDouble.empty();
    }

    /** The outcome of a family in a snapshot, if it was due. */
    public static Optional<FamilyResult> family(MetricSnapshot s, String family) {
        return s.families().stream().filter(f -> f.family().equals(family)).findFirst();
    }

    private static boolean matches(Map<String, String> actual, String... labels) {
        for (int i = 0; i + 1 < labels.length; i += 2) {
            if (!labels[i + 1].equals(actual.get(labels[i]))) {
                return false;
            }
        }
        return true;
    }

    static String describe(MetricSnapshot s) {
        return "collected_at=" + s.collectedAt() + " families=" + s.families() + " errors=" + s.errors()
                + " points=" + s.points().size() + " tables per database="
                + s.points().stream().filter(p -> p.name().equals("pg_stat_user_tables_count"))
                .map(p -> p.labels().get("datname") + ":" + p.value()).toList();
    }
}
