package io.dbautopilot.performance.collect;

import java.util.List;
import java.util.regex.Pattern;

/** Include/exclude glob patterns ({@code *}, {@code ?}) deciding which databases per-database families visit. */
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
