package io.dbautopilot.support.partition;

import java.time.Instant;

/**
 * One attached partition of a partitioned table, as the catalog describes it.
 *
 * @param schema       schema name
 * @param name         partition (table) name
 * @param quoted       {@code schema.name} quoted for SQL by the server ({@code format('%I.%I')})
 * @param from         lower bound (inclusive); null for a default partition or a MINVALUE / non-time bound
 * @param to           upper bound (exclusive); null for a default partition or a MAXVALUE / non-time bound
 * @param totalBytes   on-disk size with indexes and TOAST (of every sub-partition when it is partitioned itself); null
 *                     when not measured
 * @param defaultPartition whether it is the table's DEFAULT partition
 */
public record RangePartition(String schema, String name, String quoted, Instant from, Instant to, Long totalBytes,
                             boolean defaultPartition) {

    /** Whether both bounds are known times. */
    public boolean bounded() {
        return from != null && to != null;
    }

    /** Whether it holds rows of {@code [start, end)}, at least partly. */
    public boolean overlaps(Instant start, Instant end) {
        return bounded() && from.isBefore(end) && to.isAfter(start);
    }
}
