package io.dbautopilot.performance.collect.sqlite;

import io.dbautopilot.model.MetricPoint;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/** One group of related SQLite metrics, read on the cycle's read-only connection (blocking: a worker thread). */
public interface SqliteFamily {

    /** Family name as reported in snapshots and used in configuration, e.g. {@code pragmas}. */
    String name();

    /** How often the family runs unless configured otherwise ({@code null}: every cycle). */
    Duration defaultInterval();

    /**
     * Reads the family's points. Fails with {@link io.dbautopilot.performance.collect.FamilyUnavailableException} when
     * the library lacks what the family needs (e.g. the {@code dbstat} table): reported as unavailable.
     */
    List<MetricPoint> collect(Connection connection) throws SQLException;
}
