package io.dbautopilot.performance.benchmark;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.dbautopilot.model.BenchmarkEvent;
import io.dbautopilot.model.EventJson;
import io.dbautopilot.model.EventKind;
import io.dbautopilot.model.EventValidator;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Benchmark runs in {@code performance.benchmark_run} (one running run per target, enforced by a unique index so two
 * instances cannot both start one), and the completion event written to {@code performance.benchmark_outbox} in the
 * same transaction as the run's end.
 */
@ApplicationScoped
public class BenchmarkStore {

    private static final ObjectMapper JSON = EventJson.newMapper();
    private static final TypeReference<List<BenchmarkEvent.Step>> STEPS = new TypeReference<>() {
    };
    private static final TypeReference<List<BenchmarkEvent.Regression>> REGRESSIONS = new TypeReference<>() {
    };
    private static final String COLUMNS = "id, target_id, suite, status, requested_by, step_duration_ms, scratch_database, "
            + "current_step, progress, cancel_requested, baseline, requested_baseline, compared_with, regression, "
            + "steps::text, regressions::text, error, started_at, heartbeat_at, finished_at";

    private final AgroalDataSource dataSource;

    public BenchmarkStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A run abandoned by its instance: its id and scratch database. */
    public record Abandoned(UUID id, String scratchDatabase) {
    }

    /** Marks the target's running runs not reported for {@code staleAfter} as failed; returns them. */
    public List<Abandoned> abandon(String targetId, Duration staleAfter) {
        List<Abandoned> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "UPDATE performance.benchmark_run SET status = 'failed', finished_at = now(), "
                        + "error = 'abandoned: its instance stopped reporting' WHERE target_id = ? AND status = 'running' "
                        + "AND heartbeat_at < now() - make_interval(secs => ?) RETURNING id, scratch_database")) {
            st.setString(1, targetId);
            st.setDouble(2, staleAfter.toMillis() / 1000.0);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new Abandoned(rs.getObject(1, UUID.class), rs.getString(2)));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** Inserts a new running run; false when the target already has one running. */
    public boolean insert(BenchmarkRun run) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "INSERT INTO performance.benchmark_run (id, target_id, suite, status, requested_by, step_duration_ms, "
                        + "scratch_database, requested_baseline, started_at, heartbeat_at) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)")) {
            st.setObject(1, run.id());
            st.setString(2, run.targetId());
            st.setString(3, run.suite());
            st.setString(4, run.requestedBy());
            st.setLong(5, run.stepDurationMs());
            st.setString(6, run.scratchDatabase());
            st.setObject(7, run.requestedBaseline());
            st.setTimestamp(8, Timestamp.from(run.startedAt()));
            st.setTimestamp(9, Timestamp.from(run.startedAt()));
            st.executeUpdate();
            return true;
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) {
                return false;
            }
            throw failed(e);
        }
    }

    /** Records the step running now and the share done (also the instance's heartbeat). */
    public void progress(UUID id, String step, double progress) {
        update("UPDATE performance.benchmark_run SET current_step = ?, progress = ?, heartbeat_at = now() "
                + "WHERE id = ? AND status = 'running'", step, progress, id);
    }

    /** The instance running it is still alive. */
    public void heartbeat(UUID id) {
        update("UPDATE performance.benchmark_run SET heartbeat_at = now() WHERE id = ? AND status = 'running'", id);
    }

    /** Asks a running run to stop; false when it is not running. */
    public boolean requestCancel(UUID id) {
        return update("UPDATE performance.benchmark_run SET cancel_requested = true WHERE id = ? AND status = 'running'",
                id) > 0;
    }

    /** Whether a cancel was asked for (by any instance). */
    public boolean cancelRequested(UUID id) {
        return get(id).map(BenchmarkRun::cancelRequested).orElse(false);
    }

    /** Makes a succeeded run the target's baseline (and no other); false when it is not a succeeded run of the target. */
    public boolean markBaseline(String targetId, UUID id) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement check = c.prepareStatement("SELECT 1 FROM performance.benchmark_run WHERE id = ? "
                    + "AND target_id = ? AND status = 'succeeded' FOR UPDATE");
                 PreparedStatement set = c.prepareStatement(
                         "UPDATE performance.benchmark_run SET baseline = (id = ?) WHERE target_id = ? AND (baseline OR id = ?)")) {
                check.setObject(1, id);
                check.setString(2, targetId);
                try (ResultSet rs = check.executeQuery()) {
                    if (!rs.next()) {
                        c.rollback();
                        return false;
                    }
                }
                set.setObject(1, id);
                set.setString(2, targetId);
                set.setObject(3, id);
                set.executeUpdate();
                c.commit();
                return true;
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /**
     * The run a new run of the target is compared with: the requested one (of any suite: the steps both have are
     * compared), else the target's named baseline of the same {@code suite}, else its latest succeeded run of that
     * suite other than {@code before}; a run of an earlier suite (other steps, another data set) is never chosen
     * implicitly.
     */
    public Optional<BenchmarkRun> baselineFor(String targetId, String suite, UUID requested, UUID before) {
        if (requested != null) {
            return get(requested).filter(r -> r.targetId().equals(targetId) && "succeeded".equals(r.status()));
        }
        Optional<BenchmarkRun> named = first("SELECT " + COLUMNS + " FROM performance.benchmark_run WHERE target_id = ? "
                + "AND suite = ? AND status = 'succeeded' AND baseline AND id <> ? ORDER BY started_at DESC LIMIT 1",
                targetId, suite, before);
        return named.isPresent() ? named : first("SELECT " + COLUMNS + " FROM performance.benchmark_run WHERE target_id = ? "
                + "AND suite = ? AND status = 'succeeded' AND id <> ? ORDER BY started_at DESC LIMIT 1", targetId, suite,
                before);
    }

    /** One run. */
    public Optional<BenchmarkRun> get(UUID id) {
        return first("SELECT " + COLUMNS + " FROM performance.benchmark_run WHERE id = ?", id);
    }

    /** The target's latest runs, newest first. */
    public List<BenchmarkRun> list(String targetId, int limit) {
        return query("SELECT " + COLUMNS + " FROM performance.benchmark_run WHERE target_id = ? "
                + "ORDER BY started_at DESC LIMIT " + Math.max(1, limit), targetId);
    }

    /**
     * Ends a run with its result and writes the completion event to the outbox, in one transaction; the payload is
     * validated against the contract's schema first.
     */
    public void finish(BenchmarkEvent event) {
        String payload;
        try {
            payload = JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise benchmark event", e);
        }
        List<String> problems = EventValidator.shared().validate(EventKind.BENCHMARK, payload);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("benchmark event does not match its schema: " + problems);
        }
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement run = c.prepareStatement("UPDATE performance.benchmark_run SET status = ?, "
                    + "steps = ?::jsonb, regressions = ?::jsonb, compared_with = ?, regression = ?, error = ?, "
                    + "finished_at = ?, heartbeat_at = now(), progress = CASE WHEN ? = 'succeeded' THEN 1 ELSE progress END "
                    + "WHERE id = ?");
                 PreparedStatement outbox = c.prepareStatement("INSERT INTO performance.benchmark_outbox "
                         + "(event_id, run_id, target_id, event_type, occurred_at, payload) VALUES (?, ?, ?, ?, ?, ?)")) {
                run.setString(1, event.status());
                run.setString(2, JSON.writeValueAsString(event.steps()));
                run.setString(3, JSON.writeValueAsString(event.regressions()));
                run.setObject(4, event.baselineRunId());
                run.setBoolean(5, event.regression());
                run.setString(6, event.error());
                run.setTimestamp(7, Timestamp.from(event.finishedAt()));
                run.setString(8, event.status());
                run.setObject(9, event.runId());
                run.executeUpdate();
                outbox.setObject(1, UUID.randomUUID());
                outbox.setObject(2, event.runId());
                outbox.setString(3, event.targetId());
                outbox.setString(4, event.eventType());
                outbox.setTimestamp(5, Timestamp.from(event.finishedAt()));
                outbox.setString(6, payload);
                outbox.executeUpdate();
                c.commit();
            } catch (SQLException | JsonProcessingException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot record the end of benchmark run " + event.runId() + ": "
                    + e.getMessage(), e);
        }
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            bind(st, args);
            return st.executeUpdate();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private Optional<BenchmarkRun> first(String sql, Object... args) {
        List<BenchmarkRun> rows = query(sql, args);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    private List<BenchmarkRun> query(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            bind(st, args);
            List<BenchmarkRun> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    private static void bind(PreparedStatement st, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            st.setObject(i + 1, args[i]);
        }
    }

    private static BenchmarkRun read(ResultSet rs) throws SQLException {
        try {
            return new BenchmarkRun(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                    rs.getString(5), rs.getLong(6), rs.getString(7), rs.getString(8), rs.getDouble(9), rs.getBoolean(10),
                    rs.getBoolean(11), rs.getObject(12, UUID.class), rs.getObject(13, UUID.class), rs.getBoolean(14),
                    JSON.readValue(rs.getString(15), STEPS), JSON.readValue(rs.getString(16), REGRESSIONS),
                    rs.getString(17), instant(rs.getTimestamp(18)), instant(rs.getTimestamp(19)),
                    instant(rs.getTimestamp(20)));
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable benchmark result: " + e.getOriginalMessage(), e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static IllegalStateException failed(SQLException e) {
        return new IllegalStateException("benchmark state: " + e.getMessage(), e);
    }
}
