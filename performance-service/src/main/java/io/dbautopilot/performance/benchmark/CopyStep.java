package io.dbautopilot.performance.benchmark;

import jakarta.enterprise.context.ApplicationScoped;
import org.postgresql.PGConnection;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
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

    /** Copies rows for {@code duration} into {@code autopilot_bench_copy} in {@code database}. */
    StepMeasurement run(BenchmarkTarget target, String database, Duration duration, BooleanSupplier stop,
                        Instant deadline) throws SQLException, IOException {
        long budgetMs = Math.max(1000, Duration.between(Instant.now(), deadline).toMillis());
        try (Connection c = target.connect(database, budgetMs)) {
            try (Statement st = c.createStatement()) {
                st.execute("DROP TABLE IF EXISTS autopilot_bench_copy");
                st.execute("CREATE TABLE autopilot_bench_copy (id bigint NOT NULL, payload text NOT NULL)");
            }
            Reader rows = new InputStreamReader(new GeneratedRows(Instant.now().plus(duration), stop, deadline),
                    StandardCharsets.US_ASCII);
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
}
