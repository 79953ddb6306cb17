package io.dbautopilot.performance.benchmark;

import jakarta.enterprise.context.ApplicationScoped;
import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.Reader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The suite's JDBC step: one {@code COPY … FROM STDIN} of generated rows into a scratch table for the step's duration
 * (the driver's CopyManager, no psql), measured as rows per second.
 */
@ApplicationScoped
public class CopyStep {

    /** Rows are generated in chunks of this many before the clock and the stop signal are looked at again. */
    static final int CHUNK = 1000;

    /** Thrown out of the row generator when the run is stopped, so the COPY is aborted. */
    static final class Stopped extends InterruptedIOException {
        Stopped() {
            super("benchmark stopped during COPY");
        }
    }

    /** Copies rows for {@code duration} into {@code autopilot_bench_copy} in {@code database}. */
    StepMeasurement run(BenchmarkTarget target, String database, Duration duration, BooleanSupplier stop,
                        Instant deadline) throws SQLException, IOException {
        long budgetMs = Math.max(1000, Duration.between(Instant.now(), deadline).toMillis());
        try (Connection c = target.connect(database, budgetMs)) {
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE autopilot_bench_copy (id bigint NOT NULL, payload text NOT NULL)");
            }
            Rows rows = new Rows(Instant.now().plus(duration), stop, deadline);
            Instant began = Instant.now();
            long copied = c.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY autopilot_bench_copy (id, payload) FROM STDIN", rows);
            double seconds = Math.max(0.001, Duration.between(began, Instant.now()).toNanos() / 1e9);
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("rows_per_second", copied / seconds);
            metrics.put("rows", (double) copied);
            return StepMeasurement.measured(seconds, metrics);
        }
    }

    /** Generates {@code id<TAB>payload} lines until its end time, and fails when stopped or past the deadline. */
    private static final class Rows extends Reader {
        private final Instant end;
        private final BooleanSupplier stop;
        private final Instant deadline;
        private final StringBuilder buffer = new StringBuilder();
        private int position;
        private long next;
        private long lastStopCheck = System.nanoTime();
        private boolean finished;

        Rows(Instant end, BooleanSupplier stop, Instant deadline) {
            this.end = end;
            this.stop = stop;
            this.deadline = deadline;
        }

        @Override
        public int read(char[] cbuf, int off, int len) throws IOException {
            if (position >= buffer.length()) {
                if (finished || !fill()) {
                    return -1;
                }
            }
            int n = Math.min(len, buffer.length() - position);
            buffer.getChars(position, position + n, cbuf, off);
            position += n;
            return n;
        }

        private boolean fill() throws IOException {
            Instant now = Instant.now();
            if (!now.isBefore(deadline)) {
                throw new InterruptedIOException("benchmark timed out during COPY");
            }
            if (System.nanoTime() - lastStopCheck > 500_000_000L) {
                lastStopCheck = System.nanoTime();
                if (stop.getAsBoolean()) {
                    throw new Stopped();
                }
            }
            if (!now.isBefore(end)) {
                finished = true;
                return false;
            }
            buffer.setLength(0);
            position = 0;
            for (int i = 0; i < CHUNK; i++) {
                buffer.append(next++).append("\tdb autopilot benchmark row 0123456789\n");
            }
            return true;
        }

        @Override
        public void close() {
            finished = true;
        }
    }
}
