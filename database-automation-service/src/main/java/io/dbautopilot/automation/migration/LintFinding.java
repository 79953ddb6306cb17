package io.dbautopilot.automation.migration;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * One lock-taking or rewriting statement found by the {@link MigrationLint} in a pending migration: an apply that
 * contains one waits for an operator's approval.
 *
 * @param version   the migration's version
 * @param script    its script name
 * @param rule      {@code create_index_not_concurrently}, {@code alter_column_type}, {@code add_column_volatile_default},
 *                  {@code set_not_null_without_check} or {@code lint_unavailable}
 * @param table     the table it locks, as written in the script (null for lint_unavailable)
 * @param statement the statement, shortened to 200 characters
 * @param detail    what it does to the table and how to avoid it, with the table's live size where it matters
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LintFinding(String version, String script, String rule, String table, String statement, String detail) {

    /** One line for an operation's reason. */
    public String summary() {
        return rule + (table == null ? "" : " on " + table) + " (version " + version + ")";
    }
}
