package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.FamilyScope;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The {@code locks} family: held and awaited locks by mode, per database ({@code pg_locks_count}) and in all. */
@ApplicationScoped
public class LocksFamily extends SqlFamily {
    public LocksFamily() {
        super("locks", FamilyScope.SERVER, Duration.ofSeconds(15), false);
    }

    @Override
    public boolean rowsPerDatabase() {
        return true;
    }

    static final List<String> MODES = List.of("AccessShareLock", "RowShareLock", "RowExclusiveLock",
            "ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock", "ExclusiveLock", "AccessExclusiveLock");

    static final String SQL = """
            SELECT coalesce(d.datname, '') AS datname, l.mode, l.granted, count(*) AS n
              FROM pg_locks l
              LEFT JOIN pg_database d ON d.oid = l.database
             WHERE l.pid IS DISTINCT FROM pg_backend_pid()
             GROUP BY 1, 2, 3""";

    @Override
    protected String sql(CollectionContext context) {
        return SQL;
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        Map<String, Double> total = new LinkedHashMap<>();
        Map<String, Double> waiting = new LinkedHashMap<>();
        MODES.forEach(m -> {
            total.put(m, 0.0);
            waiting.put(m, 0.0);
        });
        Map<String, Double> byDatabase = new LinkedHashMap<>();
        for (Row r : results.get(0)) {
            String mode = r.getString("mode");
            double n = number(r, "n");
            total.merge(mode, n, Double::sum);
            if (!r.getBoolean("granted")) {
                waiting.merge(mode, n, Double::sum);
            }
            byDatabase.merge(r.getString("datname") + "\u0000" + mode, n, Double::sum);
        }
        total.forEach((mode, n) -> points.add("pg_locks_by_mode", n, "mode", mode));
        waiting.forEach((mode, n) -> points.add("pg_locks_waiting", n, "mode", mode));
        byDatabase.forEach((key, n) -> {
            String[] parts = key.split("\u0000", 2);
            points.add("pg_locks_count", n, "datname", parts[0], "mode", parts[1]);
        });
    }
}
