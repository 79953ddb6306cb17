package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.FamilyScope;

import java.time.Duration;
import java.util.Map;

/** Base for per-database families: they run in every visited database and label every point with {@code datname}. */
abstract class DatabaseSqlFamily extends SqlFamily {

    /** Relations holding or awaiting an ACCESS EXCLUSIVE lock in this database: their sizes are not read (no waiting). */
    static final String LOCKED = """
            WITH locked AS MATERIALIZED (
                SELECT relation FROM pg_locks
                 WHERE locktype = 'relation' AND mode = 'AccessExclusiveLock'
                   AND database = (SELECT oid FROM pg_database WHERE datname = current_database()))
            """;

    DatabaseSqlFamily(String name, Duration defaultInterval, boolean heavy) {
        super(name, FamilyScope.DATABASE, defaultInterval, heavy);
    }

    @Override
    protected Map<String, String> baseLabels(CollectionContext context) {
        return Map.of("datname", context.database());
    }
}
