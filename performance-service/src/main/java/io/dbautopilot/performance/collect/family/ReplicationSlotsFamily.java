package io.dbautopilot.performance.collect.family;

import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.FamilyScope;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.List;

/** The {@code replication_slots} family: whether each slot is active and how much WAL it holds back. */
@ApplicationScoped
public class ReplicationSlotsFamily extends SqlFamily {
    public ReplicationSlotsFamily() {
        super("replication_slots", FamilyScope.SERVER, Duration.ofSeconds(60), false);
    }

    static final String SQL = """
            SELECT slot_name, slot_type, coalesce(database, '') AS database, active,
                   coalesce(wal_status, '') AS wal_status, safe_wal_size::float8 AS safe_wal_size,
                   pg_wal_lsn_diff(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_receive_lsn()
                                        ELSE pg_current_wal_lsn() END, restart_lsn)::float8 AS retained_bytes
              FROM pg_replication_slots""";

    @Override
    protected String sql(CollectionContext context) {
        return SQL;
    }

    @Override
    protected void map(CollectionContext context, List<RowSet<Row>> results, PointsBuilder points) {
        int inactive = 0;
        int count = 0;
        for (Row r : results.get(0)) {
            count++;
            String[] labels = {"slot_name", r.getString("slot_name"), "slot_type", r.getString("slot_type"),
                    "database", r.getString("database")};
            boolean active = r.getBoolean("active");
            inactive += active ? 0 : 1;
            points.add("pg_replication_slot_active", active, labels);
            points.add("pg_replication_slot_retained_wal_bytes", r.getValue("retained_bytes"), labels);
            points.add("pg_replication_slot_safe_wal_size_bytes", r.getValue("safe_wal_size"), labels);
            points.add("pg_replication_slot_wal_lost", "lost".equals(r.getString("wal_status")), labels);
        }
        points.add("pg_replication_slots", count);
        points.add("pg_replication_slots_inactive", inactive);
    }
}
