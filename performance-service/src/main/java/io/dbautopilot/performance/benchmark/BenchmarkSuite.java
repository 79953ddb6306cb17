package io.dbautopilot.performance.benchmark;

import java.util.List;

/**
 * The steps of the standard suite, in the order they run against a fresh pgbench database: TPC-B-like writes with one
 * and with {@code clients} connections, select-only reads with {@code clients}, single-row INSERTs with one connection
 * (all pgbench) and one COPY of generated rows (JDBC).
 */
public final class BenchmarkSuite {

    /** Name and version of the suite, carried by every run and event. */
    public static final String NAME = "standard-v1";

    /** Steps of the suite that pgbench runs, and the one that runs over JDBC. */
    public enum Kind {
        /** pgbench's built-in tpcb-like script. */
        TPCB,
        /** pgbench's built-in select-only script. */
        SELECT_ONLY,
        /** A one-statement script: a single-row INSERT per transaction. */
        INSERT,
        /** COPY FROM STDIN of generated rows through the JDBC driver. */
        COPY
    }

    /**
     * One step.
     *
     * @param name     name in results and events, e.g. {@code tpcb_16}
     * @param category what it measures: {@code write_tps}, {@code read_tps}, {@code single_row_insert}, {@code copy}
     * @param kind     how it runs
     * @param clients  concurrent connections
     */
    public record Step(String name, String category, Kind kind, int clients) {

        /** Whether pgbench runs it. */
        public boolean pgbench() {
            return kind != Kind.COPY;
        }
    }

    private BenchmarkSuite() {
    }

    /** The standard suite with {@code clients} connections in its multi-client steps. */
    public static List<Step> standard(int clients) {
        return List.of(
                new Step("tpcb_1", "write_tps", Kind.TPCB, 1),
                new Step("tpcb_" + clients, "write_tps", Kind.TPCB, clients),
                new Step("select_only_" + clients, "read_tps", Kind.SELECT_ONLY, clients),
                new Step("insert_single_row", "single_row_insert", Kind.INSERT, 1),
                new Step("copy", "copy", Kind.COPY, 1));
    }
}
