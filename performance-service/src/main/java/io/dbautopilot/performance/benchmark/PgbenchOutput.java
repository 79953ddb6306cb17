package io.dbautopilot.performance.benchmark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Reads what pgbench reports: its progress lines, its final {@code tps = …} line and its per-transaction latency logs. */
final class PgbenchOutput {

    private static final Pattern TPS = Pattern.compile("^tps = ([0-9.]+)");
    private static final Pattern PROGRESS = Pattern.compile("^progress: ([0-9.]+) s, ([0-9.]+) tps, lat ([0-9.]+) ms");

    /** One {@code progress: 2.0 s, 1234.5 tps, lat 0.812 ms …} line. */
    record Progress(double elapsedSeconds, double tps, double latencyMs) {
    }

    private PgbenchOutput() {
    }

    /** The progress a line reports, if it is a progress line. */
    static Optional<Progress> progress(String line) {
        Matcher m = PROGRESS.matcher(line.strip());
        if (!m.find()) {
            return Optional.empty();
        }
        return Optional.of(new Progress(Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
                Double.parseDouble(m.group(3))));
    }

    /** The transactions per second of the final report, if a line is that report. */
    static OptionalDouble tps(String line) {
        Matcher m = TPS.matcher(line.strip());
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }

    /**
     * Latencies in milliseconds of every transaction that pgbench logged ({@code -l --log-prefix=<dir>/<prefix>}:
     * one file per thread, lines {@code client_id transaction_no time_us script_no epoch epoch_us}); failed or skipped
     * transactions (a non-numeric time) are left out. Sorted ascending.
     */
    static double[] latenciesMs(Path dir, String prefix) {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> logs = files.filter(f -> f.getFileName().toString().startsWith(prefix + ".")).toList();
            double[] out = logs.stream().flatMap(PgbenchOutput::lines).mapToDouble(PgbenchOutput::latencyMs)
                    .filter(v -> v >= 0).toArray();
            Arrays.sort(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read pgbench's transaction logs in " + dir, e);
        }
    }

    /**
     * The cycle times in milliseconds of every client in pgbench's transaction logs: per client, the time between the
     * ends of its consecutive transactions (from each line's {@code epoch epoch_us}). Under {@code -C} that is one
     * disconnect, connect and transaction. Failed or skipped transactions are left out; sorted ascending.
     */
    static double[] cycleMs(Path dir, String prefix) {
        try (Stream<Path> files = Files.list(dir)) {
            java.util.Map<Long, List<Long>> ends = new java.util.HashMap<>();
            files.filter(f -> f.getFileName().toString().startsWith(prefix + ".")).flatMap(PgbenchOutput::lines)
                    .forEach(line -> {
                        String[] f = line.trim().split("\\s+");
                        if (f.length < 6 || latencyMs(line) < 0) {
                            return;
                        }
                        try {
                            long endUs = Long.parseLong(f[4]) * 1_000_000L + Long.parseLong(f[5]);
                            ends.computeIfAbsent(Long.parseLong(f[0]), k -> new java.util.ArrayList<>()).add(endUs);
                        } catch (NumberFormatException e) {
                            // not a transaction line
                        }
                    });
            double[] out = ends.values().stream().flatMapToDouble(list -> {
                long[] sorted = list.stream().mapToLong(Long::longValue).sorted().toArray();
                double[] gaps = new double[Math.max(0, sorted.length - 1)];
                for (int i = 1; i < sorted.length; i++) {
                    gaps[i - 1] = (sorted[i] - sorted[i - 1]) / 1000.0;
                }
                return java.util.Arrays.stream(gaps);
            }).toArray();
            Arrays.sort(out);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read pgbench's transaction logs in " + dir, e);
        }
    }

    /** The nearest-rank percentile {@code q} (0 < q ≤ 1) of sorted values; NaN when there are none. */
    static double percentile(double[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
    }

    private static Stream<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static double latencyMs(String line) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 3) {
            return -1;
        }
        try {
            return Long.parseLong(f[2]) / 1000.0;
        } catch (NumberFormatException e) {
            return -1; // "failed" or "skipped"
        }
    }
}
