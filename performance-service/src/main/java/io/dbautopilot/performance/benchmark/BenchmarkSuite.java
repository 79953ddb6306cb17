package io.dbautopilot.performance.benchmark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeSet;

/**
 * The steps of the standard suite, in the order they run against a fresh pgbench database: connection latency (a new
 * connection per {@code SELECT 1}), simple-query latency ({@code SELECT 1} on one connection), TPC-B-like writes with
 * one and with {@code clients} connections (the latter is the <em>peak</em>), select-only reads at every pool-scaling
 * client count with the computed knee, a <em>sustained</em> TPC-B-like step with {@code clients} and its ratio to the
 * peak, single-row and multi-row INSERTs with one connection (all pgbench) and one COPY of generated rows (JDBC).
 * MariaDB's suite has the same steps, measured by client threads over JDBC, with LOAD DATA LOCAL INFILE as the bulk
 * load instead of COPY.
 */
public final class BenchmarkSuite {

    /** Name and version of the suite, carried by every run and event. */
    public static final String NAME = "standard-v3";

    /** Name and version of the MariaDB suite. */
    public static final String MARIADB_NAME = "mariadb-standard-v2";

    /** Steps of the suite: the ones pgbench runs, the one that runs over JDBC and the two computed from others. */
    public enum Kind {
        /** {@code SELECT 1} with {@code -C}: a new connection (and disconnection) per transaction. */
        CONNECT,
        /** {@code SELECT 1} on one kept connection. */
        SELECT_1,
        /** pgbench's built-in tpcb-like script. */
        TPCB,
        /** pgbench's built-in tpcb-like script for the sustained duration. */
        SUSTAINED,
        /** pgbench's built-in select-only script. */
        SELECT_ONLY,
        /** A one-statement script: a single-row INSERT per transaction. */
        INSERT,
        /** A one-statement script: a multi-row INSERT ({@code multi-row-insert-rows} rows) per transaction. */
        INSERT_MULTI,
        /** COPY FROM STDIN of generated rows through the JDBC driver. */
        COPY,
        /** LOAD DATA LOCAL INFILE of generated rows through the JDBC driver (MariaDB). */
        BULK_LOAD,
        /** Computed from the select-only steps: the knee of pool scaling. */
        POOL_SCALING,
        /** Computed from the peak and the sustained step: their TPS ratio. */
        SUSTAINED_VS_PEAK
    }

    /**
     * One step.
     *
     * @param name     name in results and events, e.g. {@code tpcb_16}
     * @param category what it measures, e.g. {@code connection_latency}, {@code write_tps}, {@code read_tps}
     * @param kind     how it runs
     * @param clients  concurrent connections (0 for the computed steps)
     */
    public record Step(String name, String category, Kind kind, int clients) {

        /** Whether pgbench runs it. */
        public boolean pgbench() {
            return kind != Kind.COPY && kind != Kind.BULK_LOAD && !computed();
        }

        /** Whether it is computed from other steps' metrics rather than measured. */
        public boolean computed() {
            return kind == Kind.POOL_SCALING || kind == Kind.SUSTAINED_VS_PEAK;
        }
    }

    private BenchmarkSuite() {
    }

    /**
     * The standard suite.
     *
     * @param clients     connections of the peak / sustained write steps ({@code autopilot.benchmark.clients})
     * @param poolClients client counts of the pool-scaling steps ({@code autopilot.benchmark.pool-clients})
     * @param limit       the most client connections the server leaves room for: larger counts are capped to it
     */
    public static List<Step> standard(int clients, List<Integer> poolClients, int limit) {
        return steps(clients, poolClients, limit, new Step("copy", "copy", Kind.COPY, 1));
    }

    /**
     * The MariaDB suite: the standard suite's steps with LOAD DATA LOCAL INFILE ({@code load_data}, category
     * {@code bulk_load}) as the bulk load instead of COPY.
     */
    public static List<Step> mariadb(int clients, List<Integer> poolClients, int limit) {
        return steps(clients, poolClients, limit, new Step("load_data", "bulk_load", Kind.BULK_LOAD, 1));
    }

    private static List<Step> steps(int clients, List<Integer> poolClients, int limit, Step bulk) {
        int peak = Math.max(1, Math.min(clients, limit));
        List<Step> steps = new ArrayList<>();
        steps.add(new Step("connect", "connection_latency", Kind.CONNECT, 1));
        steps.add(new Step("select_1", "simple_query_latency", Kind.SELECT_1, 1));
        steps.add(new Step("tpcb_1", "write_tps", Kind.TPCB, 1));
        steps.add(new Step("tpcb_" + peak, "write_tps", Kind.TPCB, peak));
        for (int n : poolLevels(poolClients, limit)) {
            steps.add(new Step("select_only_" + n, "read_tps", Kind.SELECT_ONLY, n));
        }
        steps.add(new Step("pool_scaling", "pool_scaling", Kind.POOL_SCALING, 0));
        steps.add(new Step("sustained_" + peak, "sustained", Kind.SUSTAINED, peak));
        steps.add(new Step("sustained_vs_peak", "sustained_vs_peak", Kind.SUSTAINED_VS_PEAK, 0));
        steps.add(new Step("insert_single_row", "single_row_insert", Kind.INSERT, 1));
        steps.add(new Step("insert_multi_row", "multi_row_insert", Kind.INSERT_MULTI, 1));
        steps.add(bulk);
        return List.copyOf(steps);
    }

    /** The pool-scaling client counts, ascending, each capped to {@code limit} (at least 1), without repeats. */
    static List<Integer> poolLevels(List<Integer> poolClients, int limit) {
        TreeSet<Integer> levels = new TreeSet<>();
        for (int n : poolClients) {
            levels.add(Math.max(1, Math.min(n, Math.max(1, limit))));
        }
        return List.copyOf(levels);
    }

    /** The largest requested pool-scaling count above {@code limit}, if one was capped. */
    static OptionalInt cappedFrom(List<Integer> poolClients, int limit) {
        return poolClients.stream().mapToInt(Integer::intValue).filter(n -> n > limit).max();
    }

    /**
     * The knee of pool scaling: the smallest measured client count after which adding clients (the next measured
     * count) raises TPS by less than {@code growth} (e.g. 0.1 = 10 %); the largest measured count when TPS grows by at
     * least that much at every step.
     *
     * @param tpsByClients TPS per client count, iterated in ascending order of clients
     */
    static int knee(java.util.SortedMap<Integer, Double> tpsByClients, double growth) {
        if (tpsByClients.isEmpty()) {
            throw new IllegalArgumentException("no pool-scaling step measured");
        }
        Map.Entry<Integer, Double> previous = null;
        for (Map.Entry<Integer, Double> e : tpsByClients.entrySet()) {
            if (previous != null && (e.getValue() - previous.getValue()) / previous.getValue() < growth) {
                return previous.getKey();
            }
            previous = e;
        }
        return tpsByClients.lastKey();
    }
}
