package io.dbautopilot.performance.collect;

import io.dbautopilot.model.MetricPoint;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Include/exclude glob patterns ({@code *}, {@code ?}) deciding which databases per-database families visit; the include
 * patterns also decide whose rows of cluster-wide families ({@link MetricFamily#rowsPerDatabase()}) a target reports.
 */
public final class DatabaseFilter {

    private final List<Pattern> includes;
    private final List<Pattern> excludes;

    public DatabaseFilter(List<String> includes, List<String> excludes) {
        this.includes = includes.stream().map(DatabaseFilter::glob).toList();
        this.excludes = excludes.stream().map(DatabaseFilter::glob).toList();
    }

    /** The filter configured for a target. */
    public static DatabaseFilter of(TargetsConfig.Target target) {
        return new DatabaseFilter(target.includeDatabases().orElse(List.of()), target.excludeDatabases().orElse(List.of()));
    }

    /**
     * Whether the target owns a database's rows of cluster-wide families: with include patterns, the databases they
     * name (exclude patterns only spare databases the per-database visits, as {@code exclude_databases: ["*"]} does for
     * a server-level target); without, every database. A row of no database (empty or null name) is always owned.
     */
    public boolean owns(String database) {
        return includes.isEmpty() || database == null || database.isEmpty()
                || includes.stream().anyMatch(i -> i.matcher(database).matches());
    }

    /** The points whose {@code datname} label is a database it {@link #owns}. */
    public List<MetricPoint> ownRows(List<MetricPoint> points) {
        if (includes.isEmpty()) {
            return points;
        }
        java.util.Map<String, Boolean> owned = new java.util.HashMap<>();
        return points.stream().filter(p -> {
            String database = p.labels().get("datname");
            return database == null || owned.computeIfAbsent(database, this::owns);
        }).toList();
    }

    /** Whether per-database families should visit this database. */
    public boolean accepts(String database) {
        boolean included = includes.isEmpty() || includes.stream().anyMatch(p -> p.matcher(database).matches());
        return included && excludes.stream().noneMatch(p -> p.matcher(database).matches());
    }

    static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
