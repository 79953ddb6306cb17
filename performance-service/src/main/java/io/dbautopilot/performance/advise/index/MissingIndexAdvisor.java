package io.dbautopilot.performance.advise.index;

import io.dbautopilot.model.Risk;
import io.dbautopilot.performance.advise.AdviceConfig;
import io.dbautopilot.performance.advise.AdviceTarget;
import io.dbautopilot.performance.advise.Advisor;
import io.dbautopilot.performance.advise.AdvisorResult;
import io.dbautopilot.performance.advise.Finding;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Missing indexes: the top statements of pg_stat_statements (per database, by total time) are planned generically
 * ({@link GenericPlans}); a sequential scan of a large table whose filter keeps a small share of its rows, or that
 * is one side of an equi-join producing few rows, yields a candidate B-tree index (equality columns first, most distinct first, then one range column). Where HypoPG is
 * installed in the database the candidate is validated with a hypothetical index and kept only if the planner uses
 * it and the plan gets cheaper; elsewhere the finding says its estimate is unvalidated.
 * <p>
 * It queries each database itself: it needs the statement texts (the collector's {@code statements} family reads
 * pg_stat_statements without texts and keeps only its top statements), their generic plans, {@code reltuples},
 * the columns' {@code n_distinct}, the existing indexes' leading columns and HypoPG's what-if planning, none of
 * which is collected.
 */
@ApplicationScoped
public class MissingIndexAdvisor implements Advisor {

    /** The finding kind the automation service turns into {@code CREATE INDEX CONCURRENTLY}. */
    public static final String KIND = "missing_index";

    private static final Logger LOG = Logger.getLogger(MissingIndexAdvisor.class);

    private static final String TOP_STATEMENTS = """
            SELECT queryid, query, calls, total_exec_time, mean_exec_time, rows
              FROM pg_stat_statements
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND toplevel AND calls >= ?
               AND query ~* '^\\s*(select|with|update|delete)\\M'
               AND query !~* '^\\s*explain\\M'
             ORDER BY total_exec_time DESC
             LIMIT ?""";

    private static final String TABLE = """
            SELECT c.oid, c.reltuples::float8, format('%I.%I', n.nspname, c.relname)
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'm')
               AND n.nspname NOT IN ('pg_catalog', 'information_schema')""";

    private static final String COLUMN = """
            SELECT a.attname, quote_ident(a.attname), s.n_distinct
              FROM pg_attribute a
              JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_stats s ON s.schemaname = n.nspname AND s.tablename = c.relname AND s.attname = a.attname
                                  AND NOT s.inherited
             WHERE a.attrelid = ? AND a.attname = ? AND a.attnum > 0 AND NOT a.attisdropped""";

    /** Leading key columns of the table's valid indexes, as attribute names. */
    private static final String INDEX_PREFIXES = """
            SELECT array(SELECT a.attname FROM unnest(i.indkey[0:i.indnkeyatts - 1]) WITH ORDINALITY k(attnum, ord)
                          JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[]
              FROM pg_index i WHERE i.indrelid = ? AND i.indisvalid AND i.indpred IS NULL""";

    private final AdviceConfig.MissingIndex config;

    public MissingIndexAdvisor(AdviceConfig config) {
        this.config = config.missingIndex();
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public AdvisorResult advise(AdviceTarget target) {
        AdvisorResult result = new AdvisorResult();
        for (String database : target.databases()) {
            try {
                target.inDatabase(database, c -> {
                    if (!hasView(c)) {
                        result.problem(database, "pg_stat_statements is not installed in database " + database
                                + " (CREATE EXTENSION pg_stat_statements; it needs shared_preload_libraries)");
                        return null;
                    }
                    Optional<String> refused = GenericPlans.refusal(c);
                    if (refused.isPresent()) {
                        result.problem(database, refused.get());
                        return null;
                    }
                    boolean hypopg = hasHypopg(c);
                    for (Candidate candidate : candidates(c, database)) {
                        validate(c, candidate, hypopg).ifPresent(v -> result.add(finding(target.id(), database, candidate, v)));
                    }
                    result.examined(database);
                    return null;
                });
            } catch (SQLException e) {
                result.problem(database, e.getMessage());
            }
        }
        return result;
    }

    /** A candidate index: table, ordered columns and the statements that would use it. */
    record Candidate(long tableOid, String schema, String table, String quotedTable, double tableRows,
                     List<Column> columns, List<Map<String, Object>> statements, List<String> queries) {
    }

    /** A key column with its quoted form and estimated distinct values. */
    record Column(String name, String quoted, boolean equality, double distinct) {
    }

    /** The outcome of validating a candidate. */
    record Validation(boolean validated, String note, Double costBefore, Double costAfter) {
    }

    private List<Candidate> candidates(Connection c, String database) throws SQLException {
        Map<String, Candidate> byKey = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement(TOP_STATEMENTS)) {
            ps.setLong(1, config.minCalls());
            ps.setInt(2, config.topStatements());
            try (ResultSet rs = ps.executeQuery()) {
                List<Object[]> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(new Object[]{rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getDouble(4),
                            rs.getDouble(5)});
                }
                for (Object[] row : rows) {
                    String query = (String) row[1];
                    Optional<GenericPlans.Plan> plan;
                    try {
                        plan = GenericPlans.plan(c, query, null);
                    } catch (SQLException e) {
                        LOG.debugf("no generic plan for statement %s in %s: %s", row[0], database, e.getMessage());
                        continue;
                    }
                    if (plan.isEmpty()) {
                        continue;
                    }
                    for (PlanScans.SeqScan scan : PlanScans.seqScans(plan.get().root())) {
                        candidate(c, scan).ifPresent(cand -> {
                            String key = cand.tableOid() + ":" + cand.columns().stream().map(Column::name).toList();
                            Candidate merged = byKey.computeIfAbsent(key, k -> cand);
                            Map<String, Object> statement = new LinkedHashMap<>();
                            statement.put("queryid", row[0]);
                            statement.put("query", abbreviate(query));
                            statement.put("calls", row[2]);
                            statement.put("total_exec_time_ms", round(row[3]));
                            statement.put("mean_exec_time_ms", round(row[4]));
                            statement.put("filter", scan.filter());
                            statement.put("seq_scan_rows_estimated", Math.round(scan.planRows()));
                            statement.put("seq_scan_cost", round(scan.totalCost()));
                            merged.statements().add(statement);
                            merged.queries().add(query);
                        });
                    }
                }
            }
        }
        return List.copyOf(byKey.values());
    }

    /** A candidate from one scan, if its table is large, its filter selective and no index leads with the columns. */
    private Optional<Candidate> candidate(Connection c, PlanScans.SeqScan scan) throws SQLException {
        if (scan.schema() == null || scan.relation() == null || scan.hasOr() || scan.conditions().isEmpty()) {
            return Optional.empty();
        }
        long oid;
        double reltuples;
        String quotedTable;
        try (PreparedStatement ps = c.prepareStatement(TABLE)) {
            ps.setString(1, scan.schema());
            ps.setString(2, scan.relation());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                oid = rs.getLong(1);
                reltuples = rs.getDouble(2);
                quotedTable = rs.getString(3);
            }
        }
        if (reltuples < config.minTableRows() || scan.planRows() > reltuples * config.maxSelectivity()) {
            return Optional.empty();
        }
        List<Column> columns = new ArrayList<>();
        for (PlanScans.Condition condition : scan.conditions()) {
            try (PreparedStatement ps = c.prepareStatement(COLUMN)) {
                ps.setLong(1, oid);
                ps.setString(2, condition.column());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        double nd = rs.getDouble(3);
                        double distinct = rs.wasNull() ? 0 : nd < 0 ? -nd * reltuples : nd;
                        columns.add(new Column(rs.getString(1), rs.getString(2), condition.equality(), distinct));
                    }
                }
            }
        }
        List<Column> ordered = new ArrayList<>(columns.stream().filter(Column::equality)
                .sorted(Comparator.comparingDouble(Column::distinct).reversed()).toList());
        columns.stream().filter(col -> !col.equality()).max(Comparator.comparingDouble(Column::distinct))
                .ifPresent(ordered::add);
        if (ordered.isEmpty()) {
            return Optional.empty();
        }
        List<Column> key = ordered.subList(0, Math.min(3, ordered.size()));
        List<String> names = key.stream().map(Column::name).toList();
        try (PreparedStatement ps = c.prepareStatement(INDEX_PREFIXES)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    List<String> existing = List.of((String[]) rs.getArray(1).getArray());
                    int common = Math.min(existing.size(), names.size());
                    if (!existing.isEmpty() && existing.subList(0, common).equals(names.subList(0, common))) {
                        return Optional.empty(); // an index already leads with these columns (or a prefix of them)
                    }
                }
            }
        }
        return Optional.of(new Candidate(oid, scan.schema(), scan.relation(), quotedTable, reltuples, List.copyOf(key),
                new ArrayList<>(), new ArrayList<>()));
    }

    /** Validates with HypoPG where installed; a validated candidate the planner ignores or barely gains from is dropped. */
    private Optional<Validation> validate(Connection c, Candidate candidate, boolean hypopg) throws SQLException {
        if (!hypopg) {
            return Optional.of(new Validation(false, "unvalidated: the hypopg extension is not installed in this "
                    + "database (install postgresql-15-hypopg, then CREATE EXTENSION hypopg) so the estimate comes "
                    + "from the generic plan's row estimates only", null, null));
        }
        String create = "CREATE INDEX ON " + candidate.quotedTable() + " ("
                + String.join(", ", candidate.columns().stream().map(Column::quoted).toList()) + ")";
        double before = 0;
        double after = 0;
        boolean used = false;
        for (String query : candidate.queries()) {
            Optional<GenericPlans.Plan> plain = GenericPlans.plan(c, query, null);
            Optional<GenericPlans.Plan> hypo = GenericPlans.plan(c, query, create);
            if (plain.isEmpty() || hypo.isEmpty()) {
                continue;
            }
            before += plain.get().totalCost();
            after += hypo.get().totalCost();
            used |= PlanScans.usesIndex(hypo.get().root(), hypo.get().hypotheticalIndex());
        }
        if (!used || before <= 0 || (before - after) / before < config.minCostReduction()) {
            LOG.debugf("candidate %s %s rejected by HypoPG: used=%s cost %.1f -> %.1f", candidate.quotedTable(),
                    candidate.columns(), used, before, after);
            return Optional.empty();
        }
        return Optional.of(new Validation(true, "validated with a HypoPG hypothetical index: the generic plans use "
                + "it", round(before), round(after)));
    }

    private Finding finding(String targetId, String database, Candidate candidate, Validation v) {
        List<String> names = candidate.columns().stream().map(Column::name).toList();
        String action = "CREATE INDEX CONCURRENTLY ON " + candidate.quotedTable() + " ("
                + String.join(", ", candidate.columns().stream().map(Column::quoted).toList()) + ")";
        Map<String, Object> evidence = new LinkedHashMap<>();
        evidence.put("columns", names);
        evidence.put("table_rows", Math.round(candidate.tableRows()));
        evidence.put("column_order", order(candidate.columns()));
        evidence.put("statements", candidate.statements());
        evidence.put("validated", v.validated());
        evidence.put("validation", v.note());
        String benefit;
        if (v.validated()) {
            double pct = 100 * (v.costBefore() - v.costAfter()) / v.costBefore();
            evidence.put("plan_cost_before", v.costBefore());
            evidence.put("plan_cost_after", v.costAfter());
            evidence.put("plan_cost_reduction_pct", round(pct));
            benefit = String.format("plan cost %.0f -> %.0f (%.0f%% lower, HypoPG-validated) for %d statement(s)",
                    v.costBefore(), v.costAfter(), pct, candidate.statements().size());
        } else {
            long rows = candidate.statements().stream()
                    .mapToLong(s -> ((Number) s.get("seq_scan_rows_estimated")).longValue()).max().orElse(0);
            benefit = String.format("a sequential scan of ~%d rows becomes an index lookup of ~%d rows for %d "
                    + "statement(s) (unvalidated estimate)", Math.round(candidate.tableRows()), rows,
                    candidate.statements().size());
        }
        String object = database + "." + candidate.schema() + "." + candidate.table();
        return new Finding(KIND, targetId, database, object, KIND, String.join(",", names), evidence, action, benefit,
                Risk.MEDIUM, false, "Sequential scans of " + candidate.schema() + "." + candidate.table() + " ("
                + Math.round(candidate.tableRows()) + " rows) filter or join on " + names + ": an index would serve them"
                + (v.validated() ? "" : " (unvalidated)"));
    }

    private static String order(List<Column> columns) {
        List<String> parts = new ArrayList<>();
        for (Column col : columns) {
            parts.add(col.name() + (col.equality() ? " (equality" : " (range") + ", ~" + Math.round(col.distinct())
                    + " distinct values)");
        }
        return "equality columns first, most distinct first; a range column last: " + String.join(", ", parts);
    }

    private static boolean hasView(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT to_regclass('pg_stat_statements') IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static boolean hasHypopg(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_extension WHERE extname = 'hypopg'");
             ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    private static String abbreviate(String query) {
        String oneLine = query.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 297) + "...";
    }

    private static double round(Object value) {
        return Math.round(((Number) value).doubleValue() * 100) / 100.0;
    }
}
