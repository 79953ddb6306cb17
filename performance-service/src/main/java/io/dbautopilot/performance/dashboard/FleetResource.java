package io.dbautopilot.performance.dashboard;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.dbautopilot.model.Severity;
import io.dbautopilot.performance.collect.TargetRegistry;
import io.dbautopilot.performance.collect.TargetRuntime;
import io.dbautopilot.performance.detect.lifecycle.AnomalyStore;
import io.dbautopilot.performance.score.HealthReport;
import io.dbautopilot.performance.score.HealthScores;
import io.dbautopilot.support.access.Roles;
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

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** {@code GET /api/fleet}: one row per target this instance collects, worst first, filtered and paged, in one answer. */
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
     * @param owner          the instance that collects it
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
     * @param engines every engine of this instance's targets (for a filter control)
     * @param note    what is missing, e.g. anomaly counts when the state database cannot be read; null when nothing
     * @param rows    this page, worst first
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record FleetPage(int total, int offset, int limit, Map<String, Integer> grades, List<String> engines,
                            String note, List<FleetRow> rows) {
    }

    private final TargetRegistry targets;
    private final LiveFeed feed;
    private final HealthScores scores;
    private final AnomalyStore anomalies;
    private final TargetFacts facts;

    public FleetResource(TargetRegistry targets, LiveFeed feed, HealthScores scores, AnomalyStore anomalies,
                         TargetFacts facts) {
        this.targets = targets;
        this.feed = feed;
        this.scores = scores;
        this.anomalies = anomalies;
        this.facts = facts;
    }

    @GET
    @Operation(summary = "Fleet overview", description = "One row per target this instance collects: engine, labels, "
            + "reachability, health grade and score, open anomalies (count and worst severity), last cycle, owner. "
            + "Worst first: unreachable, then lowest score, then most severe anomaly. One state-database query per "
            + "call, whatever the number of targets.")
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

        List<FleetRow> rows = new ArrayList<>();
        TreeSet<String> engines = new TreeSet<>();
        for (TargetRuntime target : targets.all()) {
            String id = target.id();
            TargetFacts.Facts f = facts.of(id);
            engines.add(f.engine());
            if (engineWanted != null && !engineWanted.equalsIgnoreCase(f.engine())
                    || needle != null && !id.toLowerCase(Locale.ROOT).contains(needle)
                    || !f.labels().entrySet().containsAll(wanted)) {
                continue;
            }
            LiveSample sample = samples.get(id);
            HealthReport report = reports.get(id);
            AnomalyStore.OpenCount count = open == null ? null : open.get(id);
            rows.add(new FleetRow(id, f.engine(), f.labels(), sample == null ? null : sample.reachable(),
                    report == null ? null : report.grade(), report == null ? null : report.score(),
                    count == null ? null : count.worst(), open == null ? null : count == null ? 0 : count.count(),
                    sample == null ? null : sample.at(), f.owner()));
        }
        rows.sort(WORST_FIRST);
        Map<String, Integer> grades = new TreeMap<>();
        rows.forEach(r -> grades.merge(r.grade() == null ? "unknown" : r.grade(), 1, Integer::sum));
        List<FleetRow> page = skip >= rows.size() ? List.of() : rows.subList(skip, Math.min(rows.size(), skip + n));
        return new FleetPage(rows.size(), skip, n, grades, List.copyOf(engines), note, List.copyOf(page));
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
