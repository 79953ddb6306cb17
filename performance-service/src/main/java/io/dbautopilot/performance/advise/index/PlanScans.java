package io.dbautopilot.performance.advise.index;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the sequential scans with filters out of an {@code EXPLAIN (VERBOSE, FORMAT JSON)} plan. */
public final class PlanScans {

    /**
     * A column compared with a parameter or a constant: {@code (o.customer_id = $1)},
     * {@code ((o.status)::text = $2)}, {@code (amount > '10'::numeric)}. Column-to-column comparisons do not match.
     */
    private static final Pattern COMPARISON = Pattern.compile(
            "\\(*(?:(?:[A-Za-z_][\\w$]*|\"(?:[^\"]|\"\")+\")\\.)?([A-Za-z_][\\w$]*|\"(?:[^\"]|\"\")+\")\\)*(?:::[\\w ]+(?:\\[\\])?\\)*)?"
                    + "\\s+(=|<=|>=|<|>)\\s+(?=\\(*\\$\\d|'|-?\\d)");

    private PlanScans() {
    }

    /** One column condition of a filter. */
    public record Condition(String column, boolean equality) {
    }

    /**
     * A sequential scan node.
     *
     * @param schema     the relation's schema
     * @param relation   the relation name
     * @param filter     the filter text as EXPLAIN shows it
     * @param planRows   estimated rows returned (after the filter)
     * @param totalCost  the node's total cost
     * @param conditions column conditions found in the filter (AND-ed or not: only AND-ed ones help an index)
     * @param hasOr      whether the filter contains OR (an index on the columns may not help then)
     */
    public record SeqScan(String schema, String relation, String filter, double planRows, double totalCost,
                          List<Condition> conditions, boolean hasOr) {
    }

    /** Every sequential scan (parallel ones too) with a filter in the plan tree. */
    public static List<SeqScan> seqScans(JsonNode plan) {
        List<SeqScan> out = new ArrayList<>();
        walk(plan, out);
        return out;
    }

    /** Whether any node of the plan uses the named index. */
    public static boolean usesIndex(JsonNode plan, String indexName) {
        if (indexName.equals(plan.path("Index Name").asText(null))) {
            return true;
        }
        for (JsonNode child : plan.path("Plans")) {
            if (usesIndex(child, indexName)) {
                return true;
            }
        }
        return false;
    }

    private static void walk(JsonNode node, List<SeqScan> out) {
        String type = node.path("Node Type").asText("");
        if (type.equals("Seq Scan") && node.hasNonNull("Filter")) {
            String filter = node.path("Filter").asText();
            double rows = node.path("Plan Rows").asDouble();
            if (node.path("Parallel Aware").asBoolean(false)) {
                rows *= Math.max(1, node.path("Workers Planned").asInt(1) + 1);
            }
            out.add(new SeqScan(node.path("Schema").asText(null), node.path("Relation Name").asText(null), filter,
                    rows, node.path("Total Cost").asDouble(), conditions(filter), filter.contains(" OR ")));
        }
        for (JsonNode child : node.path("Plans")) {
            walk(child, out);
        }
    }

    /** The column conditions of a filter, in order of appearance (a column once, equality winning). */
    static List<Condition> conditions(String filter) {
        List<Condition> out = new ArrayList<>();
        Matcher m = COMPARISON.matcher(filter);
        while (m.find()) {
            String column = unquote(m.group(1));
            boolean equality = m.group(2).equals("=");
            int existing = indexOf(out, column);
            if (existing < 0) {
                out.add(new Condition(column, equality));
            } else if (equality && !out.get(existing).equality()) {
                out.set(existing, new Condition(column, true));
            }
        }
        return out;
    }

    private static int indexOf(List<Condition> list, String column) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).column().equals(column)) {
                return i;
            }
        }
        return -1;
    }

    private static String unquote(String identifier) {
        if (identifier.startsWith("\"")) {
            return identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"");
        }
        return identifier;
    }
}
