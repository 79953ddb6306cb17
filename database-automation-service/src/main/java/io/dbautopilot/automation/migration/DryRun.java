package io.dbautopilot.automation.migration;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;

/**
 * What an apply would do, without doing it.
 *
 * @param databaseName   the managed database id
 * @param currentVersion schema version now (null when nothing is applied)
 * @param targetVersion  the requested target version (null = latest)
 * @param validation     the validation an apply would do first (an invalid one means the apply would refuse)
 * @param migrations     the migrations that would run, in order, with their SQL
 * @param lint           lock-taking or rewriting statements of those migrations ({@link MigrationLint}); an apply
 *                       with any waits for an operator's approval
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record DryRun(String databaseName, String currentVersion, String targetVersion, ValidationReport validation,
                     List<Step> migrations, List<LintFinding> lint) {

    /** The steps as scripts for the {@link MigrationLint}. */
    static List<MigrationLint.Script> scripts(List<Step> steps) {
        return steps.stream().map(s -> new MigrationLint.Script(s.version(), s.script(), s.sql())).toList();
    }

    /**
     * One migration that would run.
     *
     * @param version     its version (null for a repeatable migration)
     * @param description its description
     * @param script      the script name
     * @param checksum    its checksum
     * @param sql         the script's SQL
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Step(String version, String description, String script, Integer checksum, String sql) {
    }
}
