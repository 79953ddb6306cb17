package io.dbautopilot.performance.advise.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * Generic plans of normalised statements on PostgreSQL 15, which has no {@code EXPLAIN (GENERIC_PLAN)}: inside a
 * read-only transaction that is always rolled back, {@code PREPARE} the statement text with its {@code $n}
 * parameters of unknown type, then {@code EXPLAIN EXECUTE} it with NULL arguments under
 * {@code plan_cache_mode = force_generic_plan}. EXPLAIN without ANALYZE never runs the statement, so it is never
 * executed with real (or any) parameters. Never as a superuser ({@link #refusal}); {@code search_path} is
 * {@code pg_catalog} first and {@code pg_temp} last for the transaction. Optionally a HypoPG hypothetical index is
 * in place while planning.
 */
public final class GenericPlans {

    static final String STATEMENT = "dbautopilot_advice";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Only plannable DML/queries; the text is one statement as pg_stat_statements records it. */
    private static final java.util.regex.Pattern PLANNABLE =
            java.util.regex.Pattern.compile("(?is)^\\s*(select|with|update|delete)\\b[^;]*$");

    /** Why workload statements are not planned on this connection: the monitoring role is a superuser. */
    public static final String SUPERUSER = "unavailable: monitoring role is a superuser; EXPLAIN of workload statements "
            + "is skipped";

    private static final String SEARCH_PATH = """
            SELECT set_config('search_path', array_to_string(ARRAY['pg_catalog']
                   || array(SELECT quote_ident(s) FROM unnest(current_schemas(false)) s
                             WHERE s NOT IN ('pg_catalog') AND s NOT LIKE 'pg\\_temp\\_%')
                   || ARRAY['pg_temp'], ', '), true)""";

    private GenericPlans() {
    }

    /**
     * Empty when workload statements may be planned on {@code c}; else why not: planning folds immutable functions
     * named in the text, which a superuser (as current or session user) would run with every privilege.
     */
    public static Optional<String> refusal(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT coalesce(bool_or(rolsuper), true) FROM pg_roles WHERE rolname IN (current_user, session_user)")) {
            rs.next();
            return rs.getBoolean(1) ? Optional.of(SUPERUSER) : Optional.empty();
        }
    }

    /** A generic plan: the root plan node, and the hypothetical index's name if one was created. */
    public record Plan(JsonNode root, String hypotheticalIndex) {

        /** The plan's total cost. */
        public double totalCost() {
            return root.path("Total Cost").asDouble();
        }
    }

    /**
     * Plans {@code query}; with {@code hypotheticalIndex} (a {@code CREATE INDEX} statement built from quoted,
     * catalog-checked identifiers) the plan is made with that hypothetical index in place.
     *
     * @return the plan, or empty when the statement cannot be prepared (e.g. a parameter whose type cannot be inferred)
     *         or is not a single SELECT / WITH / UPDATE / DELETE statement (a text with {@code ;} is never sent)
     */
    public static Optional<Plan> plan(Connection c, String query, String hypotheticalIndex) throws SQLException {
        if (query == null || !PLANNABLE.matcher(query).matches() || refusal(c).isPresent()) {
            return Optional.empty();
        }
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET TRANSACTION READ ONLY");
            // built-ins first, temporary objects never: a user object cannot shadow what the text names
            st.execute(SEARCH_PATH);
            st.execute("SET LOCAL plan_cache_mode = force_generic_plan");
            try {
                st.execute("PREPARE " + STATEMENT + " AS " + query);
            } catch (SQLException e) {
                return Optional.empty();
            }
            int params;
            try (ResultSet rs = st.executeQuery("SELECT coalesce(cardinality(parameter_types), 0) FROM pg_prepared_statements"
                    + " WHERE name = '" + STATEMENT + "'")) {
                params = rs.next() ? rs.getInt(1) : 0;
            }
            String hypoName = null;
            if (hypotheticalIndex != null) {
                try (PreparedStatement ps = c.prepareStatement("SELECT indexname FROM hypopg_create_index(?)")) {
                    ps.setString(1, hypotheticalIndex);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        hypoName = rs.getString(1);
                    }
                }
            }
            StringJoiner args = new StringJoiner(", ", "(", ")");
            for (int i = 0; i < params; i++) {
                args.add("NULL");
            }
            String explain = "EXPLAIN (VERBOSE, FORMAT JSON) EXECUTE " + STATEMENT + (params == 0 ? "" : args.toString());
            try (ResultSet rs = st.executeQuery(explain)) {
                rs.next();
                JsonNode root = JSON.readTree(rs.getString(1)).path(0).path("Plan");
                return Optional.of(new Plan(root, hypoName));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new SQLException("unreadable EXPLAIN output: " + e.getMessage(), e);
            }
        } finally {
            c.rollback();
            c.setAutoCommit(autoCommit);
            try (Statement st = c.createStatement()) {
                // prepared statements and hypothetical indexes are not transactional: remove them explicitly
                st.execute("DEALLOCATE ALL");
                if (hypotheticalIndex != null) {
                    st.execute("SELECT hypopg_reset()");
                }
            }
        }
    }
}
