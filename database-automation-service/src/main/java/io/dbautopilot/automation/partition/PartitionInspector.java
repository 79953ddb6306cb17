package io.dbautopilot.automation.partition;

import io.dbautopilot.automation.database.CatalogObject;
import io.dbautopilot.automation.database.CatalogObjects;
import io.dbautopilot.automation.database.ManagedDatabasesConfig;
import io.dbautopilot.support.partition.PartitionCatalog;
import io.dbautopilot.support.partition.PartitionCoverage;
import io.dbautopilot.support.partition.PartitionKey;
import io.dbautopilot.support.partition.PartitionPeriod;
import io.dbautopilot.support.partition.RangePartition;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * Looks a configured range-partitioned table up in the catalog and lists its partitions (the read side shared with
 * performance-service, {@link PartitionCatalog}), and works out what is missing ahead and beyond its configured
 * retention ({@link PartitionCoverage}); names and bounds of partitions it would create.
 */
@ApplicationScoped
public class PartitionInspector {

    /** The inspected table: its key type and partitions, or why it cannot be kept up. */
    public record Inspection(Optional<CatalogObject> table, String keyType, String problem, List<RangePartition> partitions) {
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
        Optional<PartitionKey> key = PartitionCatalog.key(c, table.get().oid());
        if (key.isEmpty()) {
            return new Inspection(Optional.empty(), null, "no partitioned table " + cfg.table(), List.of());
        }
        if (!key.get().rangeOnTime()) {
            return new Inspection(table, key.get().type(), cfg.table() + " is not range-partitioned on one date/timestamp "
                    + "column (" + key.get().describe() + ")", List.of());
        }
        return new Inspection(table, key.get().type(), null, PartitionCatalog.partitions(c, table.get().oid(), false));
    }

    /** The current period and the next {@code premake} ones that no attached partition overlaps. */
    public static List<PartitionPeriod> missingAhead(ManagedDatabasesConfig.PartitionedTable cfg,
                                                     List<RangePartition> partitions, Instant now) {
        return PartitionCoverage.missingAhead(cfg.interval(), cfg.premake(), partitions, now);
    }

    /** Attached partitions whose upper bound is at or before {@code now - retention}. */
    public static List<RangePartition> beyondRetention(ManagedDatabasesConfig.PartitionedTable cfg,
                                                       List<RangePartition> partitions, Instant now) {
        return cfg.retention().map(r -> PartitionCoverage.beyondRetention(r, partitions, now)).orElse(List.of());
    }

    /** Upper bound of the contiguous coverage starting in the current period; null when the current period is not covered. */
    public static Instant coveredUntil(ManagedDatabasesConfig.PartitionedTable cfg, List<RangePartition> partitions,
                                       Instant now) {
        return PartitionCoverage.coveredUntil(cfg.interval(), partitions, now);
    }

    /** Validates an interval name; throws naming the allowed values. */
    public static void checkInterval(String setting, String interval) {
        PartitionCoverage.checkInterval(setting, interval);
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
}
