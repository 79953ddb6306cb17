package io.dbautopilot.support.partition;

import java.time.LocalDate;

/**
 * A period of a partition interval that needs (or has) a partition: {@code [from, to)} in UTC days.
 *
 * @param from first day
 * @param to   first day after it
 */
public record PartitionPeriod(LocalDate from, LocalDate to) {

    /** {@code from/to}, e.g. {@code 2026-12-01/2026-12-02}. */
    @Override
    public String toString() {
        return from + "/" + to;
    }
}
