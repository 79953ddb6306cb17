package io.dbautopilot.support.partition;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The read side of partitioning, shared by both services: which partitioned tables a database holds, how each is
 * keyed, and its attached partitions with their time bounds and sizes. Only catalog reads (no action); every
 * name it returns comes quoted by the server, every value travels as a bind parameter. Blocking JDBC: call it on a
 * worker thread.
 */
public final class PartitionCatalog {

    private static final String TABLES = """
            SELECT c.oid, n.nspname, c.relname, format('%I.%I', n.nspname, c.relname)
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind = 'p' AND NOT c.relispartition
               AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
             ORDER BY 2, 3""";

    private static final String KEY = """
            SELECT pt.partstrat::text, pt.partnatts, format_type(a.atttypid, a.atttypmod)
              FROM pg_partitioned_table pt
              LEFT JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
             WHERE pt.partrelid = ?""";

    // bounds as pg_get_expr prints them: FOR VALUES FROM ('2026-12-01') TO ('2026-12-02'); MINVALUE, MAXVALUE and
    // DEFAULT have no quoted literal and come back null. Read with the session in UTC (see partitions()).
    private static final String PARTITIONS = """
            SELECT n.nspname, c.relname, format('%I.%I', n.nspname, c.relname),
                   (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz,
                   (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz,
                   CASE WHEN ? THEN (SELECT coalesce(sum(pg_total_relation_size(t.relid)), 0)::int8
                                     FROM pg_partition_tree(c.oid) t) END,
                   pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'
              FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE i.inhparent = ?
             ORDER BY 4 NULLS FIRST, 2""";

    private PartitionCatalog() {
    }

    /** Every partitioned table of the connection's database that is not a partition itself, by schema and name. */
    public static List<PartitionedTable> tables(Connection c) throws SQLException {
        List<PartitionedTable> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(TABLES); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new PartitionedTable(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4)));
            }
        }
        return out;
    }

    /** How the table with this oid is partitioned; empty when it is not a partitioned table (any more). */
    public static Optional<PartitionKey> key(Connection c, long oid) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(KEY)) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new PartitionKey(rs.getString(1), rs.getInt(2), rs.getString(3)))
                        : Optional.empty();
            }
        }
    }

    /**
     * The partitions attached to the table with this oid, lowest lower bound first (default and unbounded first).
     * Only for a table whose {@link PartitionKey#rangeOnTime()} holds (other bounds do not read as times). Sets the
     * session's time zone to UTC first, so bounds of a {@code timestamp} or {@code date} key read as UTC.
     *
     * @param sizes whether to measure each partition's storage (a file-system look-up per relation: leave it out where
     *              only the bounds matter)
     */
    public static List<RangePartition> partitions(Connection c, long oid, boolean sizes) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET TIME ZONE 'UTC'");
        }
        List<RangePartition> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(PARTITIONS)) {
            ps.setBoolean(1, sizes);
            ps.setLong(2, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new RangePartition(rs.getString(1), rs.getString(2), rs.getString(3),
                            instant(rs.getTimestamp(4)), instant(rs.getTimestamp(5)), rs.getObject(6, Long.class),
                            rs.getBoolean(7)));
                }
            }
        }
        return out;
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
