package io.dbautopilot.performance.dashboard;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.collect.TargetRegistry;
import io.dbautopilot.performance.collect.TargetRuntime;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStore;
import io.dbautopilot.performance.fleet.PartitionOwners;
import io.dbautopilot.performance.score.HealthReport;
import io.dbautopilot.performance.score.HealthScores;
import io.dbautopilot.performance.state.TargetStatusStore;
import io.dbautopilot.support.access.Roles;
import io.dbautopilot.support.fleet.RegisteredTarget;
import io.dbautopilot.support.problem.Problem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code GET /api/fleet}: one row per registered target, whichever instance collects it, worst first, filtered and
 * paged, in one answer. Targets this instance collects come from memory; the others from what their owners last wrote
 * to the state database.
 */
@Path("/api/fleet")
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@RolesAllowed(Roles.VIEWER)
public class FleetResource {

    private static final Logger LOG = Logger.getLogger(FleetResource.class);
    private static final int DEFAULT_LIMIT = 500;
    private static final int MAX_LIMIT = 5000;

    /** Unreachable, then lowest score, then most severe open anomaly, then most open anomalies, then id. */
    static final Comparator<FleetRow> WORST_FIRST = Comparator.comparingInt(FleetResource::group)
            .thenComparingInt(r -> r.score() == null ? Integer.MAX_VALUE : r.score())
            .thenComparing(r -> r.worstSeverity() == null ? -1 : r.worstSeverity().ordinal(), Comparator.reverseOrder())
            .thenComparing(r -> r.openAnomalies() == null ? 0 : r.openAnomalies(), Comparator.reverseOrder())
            .thenComparing(FleetRow::id);

    /**
     * A target in the fleet view.
     *
     * @param id             target id
     * @param engine         database engine, e.g. postgresql
     * @param labels         its labels (empty when none)
     * @param reachable      whether the last cycle reached the server; null before the first cycle
     * @param grade          health grade (A+ … F); null before the first score
     * @param score          health score 0–100; null before the first score
     * @param worstSeverity  most severe open anomaly; null when none is open
     * @param openAnomalies  open anomalies; null when the state database could not be read
     * @param lastCycleAt    start of the last collection cycle; null before the first
     * @param owner          the instance that collects it (null when no instance holds its partition yet)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record FleetRow(String id, String engine, Map<String, String> labels, Boolean reachable, String grade,
                           Integer score, Severity worstSeverity, Integer openAnomalies, Instant lastCycleAt,
                           String owner) {
    }

    /**
     * One page of the fleet.
     *
     * @param total   rows matching the filters (before paging)
     * @param offset  first row of this page
     * @param limit   page size asked for
     * @param grades  matching rows per grade ({@code unknown}: no score yet)
     * @param engines every engine in the fleet (for a filter control)
     * @param note     what is missing, e.g. anomaly counts when the state database cannot be read; null when nothing
     * @param instance the instance that answered (rows with another owner show what their owner last stored)
     * @param rows     this page, worst first
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record FleetPage(int total, int offset, int limit, Map<String, Integer> grades, List<String> engines,
                            String note, String instance, List<FleetRow> rows) {
    }

    /** How long the fleet view waits for the state database's status rows. */
    private static final Duration STATE_TIMEOUT = Duration.ofSeconds(5);

    private final TargetRegistry targets;
    private final LiveFeed feed;
    private final HealthScores scores;
    private final AnomalyStore anomalies;
    private final TargetFacts facts;
    private final TargetStatusStore status;
    private final PartitionOwners owners;

    public FleetResource(TargetRegistry targets, LiveFeed feed, HealthScores scores, AnomalyStore anomalies,
                         TargetFacts facts, TargetStatusStore status, PartitionOwners owners) {
        this.targets = targets;
        this.feed = feed;
        this.scores = scores;
        this.anomalies = anomalies;
        this.facts = facts;
        this.status = status;
        this.owners = owners;
    }

    @GET
    @Operation(summary = "Fleet overview", description = "One row per registered target, whichever instance collects "
            + "it: engine, labels, reachability, health grade and score, open anomalies (count and worst severity), "
            + "last cycle, owner. Targets of other instances show what their owner last stored. Worst first: "
            + "unreachable, then lowest score, then most severe anomaly. Two state-database queries per call, "
            + "whatever the number of targets.")
    public FleetPage list(@Parameter(description = "only this engine, e.g. postgresql") @QueryParam("engine") String engine,
                          @Parameter(description = "key=value; repeat for AND") @QueryParam("label") List<String> label,
                          @Parameter(description = "substring of the target id (any case)") @QueryParam("q") String q,
                          @Parameter(description = "page size, 1–5000 (default 500)") @QueryParam("limit") Integer limit,
                          @Parameter(description = "rows to skip (default 0)") @QueryParam("offset") Integer offset) {
        List<Map.Entry<String, String>> wanted = labels(label);
        int n = limit == null ? DEFAULT_LIMIT : limit;
        if (n < 1 || n > MAX_LIMIT) {
            throw new BadRequestException("limit must be between 1 and " + MAX_LIMIT + ", was " + n);
        }
        int skip = offset == null ? 0 : offset;
        if (skip < 0) {
            throw new BadRequestException("offset must not be negative, was " + skip);
        }
        String needle = q == null || q.isBlank() ? null : q.trim().toLowerCase(Locale.ROOT);
        String engineWanted = engine == null || engine.isBlank() ? null : engine.trim();

        Map<String, AnomalyStore.OpenCount> open;
        String note = null;
        try {
            open = anomalies.openByTarget();
        } catch (RuntimeException e) {
            LOG.warnf("Fleet view without anomaly counts: %s", e.getMessage());
            open = null;
            note = "open anomalies unknown: the state database could not be read";
        }
        Map<String, LiveSample> samples = feed.latest();
        Map<String, HealthReport> reports = scores.all();
        Map<String, TargetStatusStore.Stored> stored;
        try {
            stored = status.all().await().atMost(STATE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warnf("Fleet view without other instances' status: %s", e.getMessage());
            stored = Map.of();
            note = (note == null ? "" : note + "; ")
                    + "targets of other instances without status: the state database could not be read";
        }
        Map<Integer, String> byPartition = owners.owners();
        Map<String, RegisteredTarget> registered = facts.registered();

        List<FleetRow> rows = new ArrayList<>();
        TreeSet<String> engines = new TreeSet<>();
        Map<String, FleetRow> all = new TreeMap<>();
        for (TargetRuntime target : targets.all()) {
            String id = target.id();
            TargetFacts.Facts f = facts.of(id);
            LiveSample sample = samples.get(id);
            HealthReport report = reports.get(id);
            all.put(id, row(id, f, sample == null ? null : sample.reachable(), report == null ? null : report.grade(),
                    report == null ? null : report.score(), sample == null ? null : sample.at(), open));
        }
        for (RegisteredTarget r : registered.values()) {
            if (all.containsKey(r.id())) {
                continue;
            }
            TargetStatusStore.Stored s = stored.get(r.id());
            String owner = byPartition.getOrDefault(r.partition(), s == null ? null : s.owner());
            all.put(r.id(), row(r.id(), TargetFacts.facts(r, owner), s == null ? null : s.reachable(),
                    s == null ? null : s.grade(), s == null ? null : s.score(), s == null ? null : s.lastCycleAt(), open));
        }
        for (FleetRow row : all.values()) {
            engines.add(row.engine());
            if (engineWanted != null && !engineWanted.equalsIgnoreCase(row.engine())
                    || needle != null && !row.id().toLowerCase(Locale.ROOT).contains(needle)
                    || !row.labels().entrySet().containsAll(wanted)) {
                continue;
            }
            rows.add(row);
        }
        rows.sort(WORST_FIRST);
        Map<String, Integer> grades = new TreeMap<>();
        rows.forEach(r -> grades.merge(r.grade() == null ? "unknown" : r.grade(), 1, Integer::sum));
        List<FleetRow> page = skip >= rows.size() ? List.of() : rows.subList(skip, Math.min(rows.size(), skip + n));
        return new FleetPage(rows.size(), skip, n, grades, List.copyOf(engines), note, facts.instance(), List.copyOf(page));
    }

    /** A fleet row from what is known of a target (its own instance's memory, or its owner's stored status). */
    private static FleetRow row(String id, TargetFacts.Facts f, Boolean reachable, String grade, Integer score,
                                Instant lastCycleAt, Map<String, AnomalyStore.OpenCount> open) {
        AnomalyStore.OpenCount count = open == null ? null : open.get(id);
        return new FleetRow(id, f.engine(), f.labels(), reachable, grade, score, count == null ? null : count.worst(),
                open == null ? null : count == null ? 0 : count.count(), lastCycleAt, f.owner());
    }

    /** Parses {@code key=value} filters (all must hold); 400 on anything else. */
    static List<Map.Entry<String, String>> labels(List<String> filters) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        if (filters == null) {
            return out;
        }
        for (String filter : filters) {
            int eq = filter == null ? -1 : filter.indexOf('=');
            if (eq <= 0 || filter.substring(0, eq).isBlank() || filter.substring(eq + 1).isBlank()) {
                throw new BadRequestException("label filter must be key=value (e.g. label=env=prod), was '" + filter + "'");
            }
            out.add(Map.entry(filter.substring(0, eq).trim(), filter.substring(eq + 1).trim()));
        }
        return out;
    }

    private static int group(FleetRow r) {
        if (Boolean.FALSE.equals(r.reachable())) {
            return 0;
        }
        return r.score() == null ? 2 : 1;
    }
}
