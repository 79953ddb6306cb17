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

    /** An equi-join condition between two qualified columns: {@code (s.order_id = o.id)}, casts allowed. */
    private static final Pattern JOIN = Pattern.compile(
            "\\(*([A-Za-z_][\\w$]*|\"(?:[^\"]|\"\")+\")\\.([A-Za-z_][\\w$]*|\"(?:[^\"]|\"\")+\")\\)*(?:::[\\w ]+\\)*)?"
                    + "\\s+=\\s+\\(*([A-Za-z_][\\w$]*|\"(?:[^\"]|\"\")+\")\\.([A-Za-z_][\\w$]*|\"(?:[^\"]|\"\")+\")");

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

    /**
     * Every sequential scan (parallel ones too) with a filter in the plan tree, and every sequential scan that is one
     * side of an equi-join (hash, merge or nested-loop join): for those the join column is an equality condition
     * and the rows are the join's estimated output, i.e. what an index on the join column would have to fetch.
     */
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
        if (type.endsWith("Join") || type.equals("Nested Loop")) {
            String condition = node.path("Hash Cond").asText(node.path("Merge Cond").asText(node.path("Join Filter").asText("")));
            Matcher m = JOIN.matcher(condition);
            while (m.find()) {
                joinSide(node, condition, unquote(m.group(1)), unquote(m.group(2)), out);
                joinSide(node, condition, unquote(m.group(3)), unquote(m.group(4)), out);
            }
        }
        for (JsonNode child : node.path("Plans")) {
            walk(child, out);
        }
    }

    private static void joinSide(JsonNode join, String condition, String alias, String column, List<SeqScan> out) {
        JsonNode scan = findScan(join, alias);
        if (scan == null) {
            return;
        }
        List<Condition> conditions = new ArrayList<>();
        conditions.add(new Condition(column, true));
        String filter = scan.path("Filter").asText("");
        boolean or = filter.contains(" OR ");
        if (!or) {
            conditions(filter).stream().filter(c -> c.equality() && !c.column().equals(column)).forEach(conditions::add);
        }
        out.add(new SeqScan(scan.path("Schema").asText(null), scan.path("Relation Name").asText(null),
                "join " + condition + (filter.isEmpty() ? "" : " with filter " + filter), join.path("Plan Rows").asDouble(),
                join.path("Total Cost").asDouble(), conditions, false));
    }

    /** The sequential scan with this alias below a join, not crossing another join. */
    private static JsonNode findScan(JsonNode node, String alias) {
        for (JsonNode child : node.path("Plans")) {
            String type = child.path("Node Type").asText("");
            if (type.equals("Seq Scan") && alias.equals(child.path("Alias").asText())) {
                return child;
            }
            if (!type.endsWith("Join") && !type.equals("Nested Loop")) {
                JsonNode below = findScan(child, alias);
                if (below != null) {
                    return below;
                }
            }
        }
        return null;
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
