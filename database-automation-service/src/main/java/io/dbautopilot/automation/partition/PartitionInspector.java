package io.dbautopilot.automation.partition;

import io.dbautopilot.automation.database.CatalogObject;
import io.dbautopilot.automation.database.CatalogObjects;
import io.dbautopilot.automation.database.ManagedDatabasesConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reads a range-partitioned table's partitions from the catalog and works out what is missing ahead and beyond retention. */
@ApplicationScoped
public class PartitionInspector {

    private static final String KEY = """
            SELECT pt.partstrat::text, pt.partnatts, format_type(a.atttypid, a.atttypmod)
              FROM pg_partitioned_table pt
              JOIN pg_attribute a ON a.attrelid = pt.partrelid AND a.attnum = pt.partattrs[0]
             WHERE pt.partrelid = ?""";

    private static final String PARTITIONS = """
            SELECT n.nspname, c.relname, format('%I.%I', n.nspname, c.relname),
                   (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([^'']+)''\\)'))[1]::timestamptz,
                   (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz
              FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE i.inhparent = ?
             ORDER BY 4 NULLS FIRST""";

    /** One attached partition; {@code from}/{@code to} null for a default or MINVALUE/MAXVALUE bound. */
    public record Partition(String schema, String name, String quoted, Instant from, Instant to) {
    }

    /** A period that needs a partition. */
    public record Period(LocalDate from, LocalDate to) {
        @Override
        public String toString() {
            return from + "/" + to;
        }
    }

    /** The inspected table: its key type and partitions, or why it cannot be kept up. */
    public record Inspection(Optional<CatalogObject> table, String keyType, String problem, List<Partition> partitions) {
    }

    private final CatalogObjects catalog;

    public PartitionInspector(CatalogObjects catalog) {
        this.catalog = catalog;
    }

    /** Looks the table up and lists its partitions (the connection's time zone is set to UTC). */
    public Inspection inspect(Connection c, ManagedDatabasesConfig.PartitionedTable cfg) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET TIME ZONE 'UTC'");
        }
        Optional<CatalogObject> table = catalog.find(c, cfg.table(), new String[] {"p"});
        if (table.isEmpty()) {
            return new Inspection(table, null, "no partitioned table " + cfg.table(), List.of());
        }
        String keyType;
        try (PreparedStatement ps = c.prepareStatement(KEY)) {
            ps.setLong(1, table.get().oid());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                keyType = rs.getString(3);
                if (!"r".equals(rs.getString(1)) || rs.getInt(2) != 1 || !(keyType.equals("date")
                        || keyType.startsWith("timestamp"))) {
                    return new Inspection(table, keyType, cfg.table() + " is not range-partitioned on one date/timestamp "
                            + "column (strategy " + rs.getString(1) + ", key type " + keyType + ")", List.of());
                }
            }
        }
        List<Partition> partitions = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(PARTITIONS)) {
            ps.setLong(1, table.get().oid());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    partitions.add(new Partition(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs.getTimestamp(4)),
                            instant(rs.getTimestamp(5))));
                }
            }
        }
        return new Inspection(table, keyType, null, partitions);
    }

    /** The current period and the next {@code premake} ones that no attached partition overlaps. */
    public static List<Period> missingAhead(ManagedDatabasesConfig.PartitionedTable cfg, List<Partition> partitions, Instant now) {
        List<Period> missing = new ArrayList<>();
        LocalDate start = periodStart(cfg.interval(), now.atZone(ZoneOffset.UTC).toLocalDate());
        for (int i = 0; i <= cfg.premake(); i++) {
            LocalDate end = next(cfg.interval(), start);
            Instant from = start.atStartOfDay(ZoneOffset.UTC).toInstant();
            Instant to = end.atStartOfDay(ZoneOffset.UTC).toInstant();
            boolean covered = partitions.stream().anyMatch(p -> p.from() != null && p.to() != null
                    && p.from().isBefore(to) && p.to().isAfter(from));
            if (!covered) {
                missing.add(new Period(start, end));
            }
            start = end;
        }
        return missing;
    }

    /** Attached partitions whose upper bound is at or before {@code now - retention}. */
    public static List<Partition> beyondRetention(ManagedDatabasesConfig.PartitionedTable cfg, List<Partition> partitions,
                                                  Instant now) {
        if (cfg.retention().isEmpty()) {
            return List.of();
        }
        Instant limit = now.minus(cfg.retention().get());
        return partitions.stream().filter(p -> p.to() != null && !p.to().isAfter(limit)).toList();
    }

    /** Upper bound of the contiguous coverage starting in the current period; null when the current period is not covered. */
    public static Instant coveredUntil(ManagedDatabasesConfig.PartitionedTable cfg, List<Partition> partitions, Instant now) {
        Instant point = periodStart(cfg.interval(), now.atZone(ZoneOffset.UTC).toLocalDate()).atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant until = null;
        boolean extended = true;
        while (extended) {
            extended = false;
            for (Partition p : partitions) {
                if (p.from() != null && p.to() != null && !p.from().isAfter(point) && p.to().isAfter(point)) {
                    point = p.to();
                    until = p.to();
                    extended = true;
                }
            }
        }
        return until;
    }

    /** Validates an interval name; throws naming the allowed values. */
    public static void checkInterval(String setting, String interval) {
        if (!List.of("daily", "weekly", "monthly").contains(interval)) {
            throw new IllegalArgumentException(setting + ": '" + interval + "' is not one of daily, weekly, monthly");
        }
    }

    static LocalDate periodStart(String interval, LocalDate day) {
        return switch (interval) {
            case "weekly" -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            case "monthly" -> day.withDayOfMonth(1);
            default -> day;
        };
    }

    static LocalDate next(String interval, LocalDate start) {
        return switch (interval) {
            case "weekly" -> start.plusWeeks(1);
            case "monthly" -> start.plusMonths(1);
            default -> start.plusDays(1);
        };
    }

    /** Partition name for a period: {@code <table>_pYYYYMMDD} ({@code _pYYYYMM} when monthly). */
    public static String partitionName(String table, String interval, LocalDate from) {
        String suffix = "_p" + from.format(DateTimeFormatter.ofPattern("monthly".equals(interval) ? "yyyyMM" : "yyyyMMdd"));
        String base = table.length() > 63 - suffix.length() ? table.substring(0, 63 - suffix.length()) : table;
        return base + suffix;
    }

    /** A bound literal for the key type (quoted later with {@code %L}). */
    public static String bound(String keyType, LocalDate day) {
        if (keyType.equals("date")) {
            return day.toString();
        }
        return keyType.contains("with time zone") ? day + " 00:00:00+00" : day + " 00:00:00";
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
