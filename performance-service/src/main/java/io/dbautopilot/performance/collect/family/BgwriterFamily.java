package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.FamilyScope;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/** The {@code bgwriter} family: checkpoints (timed vs requested), checkpoint times and buffer writes; reads pg_stat_checkpointer on PostgreSQL 17+. */
@ApplicationScoped
public class BgwriterFamily extends SqlFamily {
    public BgwriterFamily() {
        super("bgwriter", FamilyScope.SERVER, Duration.ofSeconds(60), false);
    }

    static final String SQL_BEFORE_17 = """
            SELECT checkpoints_timed, checkpoints_req, checkpoint_write_time, checkpoint_sync_time,
                   buffers_checkpoint, buffers_clean, maxwritten_clean, buffers_backend, buffers_backend_fsync,
                   buffers_alloc, extract(epoch FROM stats_reset)::float8 AS stats_reset
              FROM pg_stat_bgwriter""";

    static final String SQL_17 = """
            SELECT c.num_timed AS checkpoints_timed, c.num_requested AS checkpoints_req,
                   c.write_time AS checkpoint_write_time, c.sync_time AS checkpoint_sync_time,
                   c.buffers_written AS buffers_checkpoint, b.buffers_clean, b.maxwritten_clean, b.buffers_alloc,
                   extract(epoch FROM b.stats_reset)::float8 AS stats_reset
              FROM pg_stat_checkpointer c, pg_stat_bgwriter b""";

    @Override
    protected String sql(CollectionContext context) {
        return context.serverVersion() >= 170000 ? SQL_17 : SQL_BEFORE_17;
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        Row r = results.get(0).iterator().next();
        for (int i = 0; i < r.size(); i++) {
            points.add("pg_stat_bgwriter_" + r.getColumnName(i), r.getValue(i));
        }
        double timed = number(r, "checkpoints_timed");
        double requested = number(r, "checkpoints_req");
        if (timed + requested > 0) {
            points.add("pg_stat_bgwriter_checkpoints_req_ratio", requested / (timed + requested));
        }
    }
}
