package io.dbautopilot.performance.score;

import io.dbautopilot.model.Engine;
import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.MetricSnapshot;
import io.dbautopilot.performance.engine.EngineHealthChecks;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

import static io.dbautopilot.performance.score.CommonChecks.d;
import static io.dbautopilot.performance.score.CommonChecks.failedFamilies;
import static io.dbautopilot.performance.score.CommonChecks.first;
import static io.dbautopilot.performance.score.CommonChecks.p;
import static io.dbautopilot.performance.score.Category.CONNECTION_POOL;
import static io.dbautopilot.performance.score.Category.CONNECTIVITY;
import static io.dbautopilot.performance.score.Category.QUERY_PERFORMANCE;
import static io.dbautopilot.performance.score.Category.SCHEMA_INTEGRITY;
import static io.dbautopilot.performance.score.Category.SECURITY;
import static io.dbautopilot.performance.score.Category.STORAGE;
import static io.dbautopilot.performance.score.Category.TRANSACTIONS;
import static io.dbautopilot.performance.score.MetricCheck.worst;
import static io.dbautopilot.performance.score.MetricCheck.worstWhere;

/**
 * The health checks of SQLite targets, from their latest values: the file readable, its integrity (quick_check), free
 * pages, the write-ahead log and the filesystem's space; the categories SQLite has no counterpart for say so.
 */
@ApplicationScoped
public class SqliteChecks implements EngineHealthChecks {

    /** Derived inside scoring only: used share of the file's filesystem. */
    static final String FS_USED = "sqlite_filesystem_used_ratio";

    static final List<MetricCheck> CHECKS = List.of(
            worst("quick_check", SCHEMA_INTEGRITY, "sqlite_quick_check_ok", false, d(0.5), p(100),
                    "PRAGMA quick_check found corruption"),
            worstWhere("freelist", STORAGE, "sqlite_freelist_ratio", d(0.25, 0.5), p(10, 20),
                    "sqlite_freelist_bytes", 10 * 1024 * 1024,
                    "a large share of the file is free pages (10 MiB or more; VACUUM returns them)"),
            worst("wal_size", STORAGE, "sqlite_wal_size_bytes", true, d(64.0 * 1024 * 1024, 1024.0 * 1024 * 1024),
                    p(10, 25), "the write-ahead log is large"),
            worst("filesystem_used", STORAGE, FS_USED, true, d(0.8, 0.9, 0.95), p(15, 40, 70),
                    "the file's filesystem is filling up"));

    public SqliteChecks() {
    }

    @Override
    public Set<Engine> engines() {
        return Set.of(Engine.SQLITE);
    }

    @Override
    public List<CheckResult> evaluate(MetricSnapshot snapshot, List<MetricPoint> current, Instant now) {
        Map<String, List<MetricPoint>> byName = new HashMap<>();
        current.forEach(p -> byName.computeIfAbsent(p.name(), n -> new ArrayList<>()).add(p));
        OptionalDouble free = first(byName, "sqlite_filesystem_free_bytes");
        OptionalDouble size = first(byName, "sqlite_filesystem_size_bytes");
        if (free.isPresent() && size.isPresent() && size.getAsDouble() > 0) {
            byName.put(FS_USED, List.of(MetricPoint.of(FS_USED, 1 - free.getAsDouble() / size.getAsDouble())));
        }
        List<CheckResult> out = new ArrayList<>();
        out.add(CommonChecks.targetUp(byName, "sqlite_up", "the file is missing, unreadable or not a SQLite database"));
        out.add(failedFamilies(snapshot));
        for (MetricCheck c : CHECKS) {
            out.add(c.evaluate(byName));
        }
        out.add(CheckResult.notEvaluated("connections", CONNECTION_POOL, "unavailable: a SQLite file has no server connections"));
        out.add(CheckResult.notEvaluated("queries", QUERY_PERFORMANCE,
                "unavailable: SQLite keeps no statement statistics (they live in the application)"));
        out.add(CheckResult.notEvaluated("transactions", TRANSACTIONS, "unavailable: SQLite keeps no transaction statistics"));
        out.add(CheckResult.notEvaluated("security", SECURITY, "unavailable: a SQLite file's security is its file permissions"));
        return out;
    }

}
