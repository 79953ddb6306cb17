package io.dbautopilot.performance.benchmark;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * The bulk-load steps' rows ({@code id<TAB>payload} lines, ASCII) generated until an end time, for COPY (PostgreSQL)
 * and LOAD DATA LOCAL INFILE (MariaDB); reading fails when the run is stopped or past its deadline, so the load aborts.
 */
final class GeneratedRows extends InputStream {

    /** Rows are generated in chunks of this many before the clock and the stop signal are looked at again. */
    static final int CHUNK = 1000;

    /** Thrown out of the generator when the run is stopped. */
    static final class Stopped extends InterruptedIOException {
        Stopped() {
            super("benchmark stopped during the bulk load");
        }
    }

    private final Instant end;
    private final BooleanSupplier stop;
    private final Instant deadline;
    private byte[] buffer = new byte[0];
    private int position;
    private long next;
    private long lastStopCheck = System.nanoTime();
    private boolean finished;

    GeneratedRows(Instant end, BooleanSupplier stop, Instant deadline) {
        this.end = end;
        this.stop = stop;
        this.deadline = deadline;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (position >= buffer.length && (finished || !fill())) {
            return -1;
        }
        int n = Math.min(len, buffer.length - position);
        System.arraycopy(buffer, position, b, off, n);
        position += n;
        return n;
    }

    private boolean fill() throws IOException {
        Instant now = Instant.now();
        if (!now.isBefore(deadline)) {
            throw new InterruptedIOException("benchmark timed out during the bulk load");
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
        StringBuilder rows = new StringBuilder(CHUNK * 48);
        for (int i = 0; i < CHUNK; i++) {
            rows.append(next++).append("\tdb autopilot benchmark row 0123456789\n");
        }
        buffer = rows.toString().getBytes(StandardCharsets.US_ASCII);
        position = 0;
        return true;
    }

    @Override
    public void close() {
        finished = true;
    }
}
