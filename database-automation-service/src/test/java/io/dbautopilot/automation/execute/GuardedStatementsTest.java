package io.dbautopilot.automation.execute;

import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationStatus;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.Outcome;
import io.dbautopilot.localstack.kafka.KafkaBroker;
import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guarded statement runner against the throwaway PostgreSQL target (database {@code demo}: lock_timeout 300 ms,
 * 2 lock retries doubling from 200 ms): leftover backends, lock retries with progress, the budget-capped timeout.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class GuardedStatementsTest {

    private static final String TARGET = "demo_target";

    @InjectInfra
    PostgresServer postgres;

    @InjectInfra
    KafkaBroker kafka;

    @Inject
    GuardedStatements guarded;

    @Test
    void openingASessionRecordsItsPidAndTerminatesOnlyTheBackendsLeftByAnEarlierAttempt() throws Exception {
        Context ctx = new Context(operation("public.anything"), Duration.ofMinutes(1));
        try (Connection leftover = postgres.connect(TARGET); Connection bystander = postgres.connect(TARGET)) {
            setApplicationName(leftover, ctx.operation().applicationName());
            setApplicationName(bystander, "db-autopilot-automation op:" + UUID.randomUUID());
            int leftoverPid = pid(leftover);
            int bystanderPid = pid(bystander);
            try (GuardedSession session = guarded.open(ctx)) {
                assertEquals(List.of(session.pid()), ctx.pids, "the session's backend is recorded");
                assertNotEquals(leftoverPid, session.pid());
                assertEquals(0, backends(session, leftoverPid), "the earlier attempt's backend is gone");
                assertEquals(1, backends(session, bystanderPid), "another operation's backend is left alone");
            }
            assertThrows(SQLException.class, () -> pid(leftover));
            assertEquals(bystanderPid, pid(bystander));
        }
    }

    @Test
    void aLockTimeoutIsRetriedWithAProgressEventEachTimeThenTheOperationIsDeferredNamingTheHolder() throws Exception {
        postgres.execute(TARGET, "CREATE TABLE IF NOT EXISTS public.guarded_busy (id int)");
        try (Connection holder = postgres.connect(TARGET)) {
            int holderPid = lockExclusively(holder, "public.guarded_busy");
            Context ctx = new Context(operation("public.guarded_busy"), Duration.ofMinutes(1));
            Outcome.Deferred deferred = assertInstanceOf(Outcome.Deferred.class,
                    runOn(ctx, "VACUUM", "public.guarded_busy"));
            assertTrue(deferred.reason().startsWith("lock_timeout (300 ms) on public.guarded_busy 3 times in a row; "
                    + "lock held by pid " + holderPid + " (AccessExclusiveLock)"), deferred.reason());
            assertTrue(deferred.reason().endsWith("; deferred"), deferred.reason());
            assertEquals("lock_timeout", deferred.details().get("cause"));
            assertEquals(3, deferred.details().get("attempts"));
            assertEquals(2, ctx.progress.size(), ctx.progress.toString());
            assertTrue(ctx.progress.get(0).startsWith("lock_timeout (300 ms) on public.guarded_busy, attempt 1 of 3; lock held by pid "
                    + holderPid), ctx.progress.get(0));
            assertTrue(ctx.progress.get(0).endsWith("; retrying in 200 ms"), ctx.progress.get(0));
            assertTrue(ctx.progress.get(1).contains(", attempt 2 of 3;"), ctx.progress.get(1));
            assertTrue(ctx.progress.get(1).endsWith("; retrying in 400 ms"), ctx.progress.get(1));
            holder.rollback();
        }
    }

    @Test
    void aLockReleasedBetweenAttemptsLetsTheRetrySucceed() throws Exception {
        postgres.execute(TARGET, "CREATE TABLE IF NOT EXISTS public.guarded_released (id int)");
        try (Connection holder = postgres.connect(TARGET)) {
            lockExclusively(holder, "public.guarded_released");
            Context ctx = new Context(operation("public.guarded_released"), Duration.ofMinutes(1));
            ctx.onProgress = () -> rollback(holder); // the holder lets go after the first lock timeout
            Outcome outcome = runOn(ctx, "ANALYZE", "public.guarded_released");
            assertInstanceOf(Outcome.Succeeded.class, outcome, outcome.toString());
            assertEquals(1, ctx.progress.size(), ctx.progress.toString());
        }
    }

    @Test
    void aCancelDuringTheRetriesEndsTheOperationAsCancelled() throws Exception {
        postgres.execute(TARGET, "CREATE TABLE IF NOT EXISTS public.guarded_cancel (id int)");
        try (Connection holder = postgres.connect(TARGET)) {
            lockExclusively(holder, "public.guarded_cancel");
            Context ctx = new Context(operation("public.guarded_cancel"), Duration.ofMinutes(1));
            ctx.onProgress = () -> ctx.stop = true;
            Outcome outcome = runOn(ctx, "VACUUM", "public.guarded_cancel");
            Outcome.Cancelled cancelled = assertInstanceOf(Outcome.Cancelled.class, outcome, outcome.toString());
            assertTrue(cancelled.reason().startsWith("cancelled while running: "), cancelled.reason());
            assertEquals(1, ctx.progress.size(), "no retry after the cancel: " + ctx.progress);
            holder.rollback();
        }
    }

    @Test
    void theStatementTimeoutIsCappedByTheRemainingBudgetAndNoBudgetMeansNoStatement() {
        Context shortBudget = new Context(operation(null), Duration.ofMillis(400));
        long start = System.nanoTime();
        Outcome outcome = guarded.execute(shortBudget, s -> {
            s.run("SELECT pg_sleep(30)", null, "demo");
            return new Outcome.Succeeded("slept", Map.of());
        });
        Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, outcome, outcome.toString());
        assertTrue(failed.error().startsWith("statement_timeout (capped by the time budget of"), failed.error());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(10)) < 0);

        Context spent = new Context(operation(null), Duration.ZERO);
        Outcome none = guarded.execute(spent, s -> {
            s.run("SELECT 1", null, "demo");
            return new Outcome.Succeeded("ran", Map.of());
        });
        Outcome.Failed exhausted = assertInstanceOf(Outcome.Failed.class, none, none.toString());
        assertTrue(exhausted.error().endsWith("exhausted before: SELECT 1"), exhausted.error());
    }

    /** Runs {@code command} on {@code table} in a guarded session, naming the table's lock holders. */
    private Outcome runOn(Context ctx, String command, String table) {
        return guarded.execute(ctx, s -> {
            s.run(command + " " + table, oid(s, table), table);
            return new Outcome.Succeeded("ran", Map.of());
        });
    }

    private static Operation operation(String object) {
        Instant now = Instant.now();
        return new Operation(UUID.randomUUID(), "demo", OperationType.VACUUM, object, true, "auto",
                OperationStatus.RUNNING, null, null, null, "test", Map.of(), null, now, now, 1, 3, 0, "test", null,
                null, false, null, null, now, null, null, null, now);
    }

    private static int lockExclusively(Connection holder, String table) throws SQLException {
        holder.setAutoCommit(false);
        try (Statement st = holder.createStatement()) {
            st.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        }
        return pid(holder);
    }

    private static void rollback(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void setApplicationName(Connection c, String name) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT set_config('application_name', '" + name + "', false)");
        }
    }

    private static int pid(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static long oid(GuardedSession s, String table) throws SQLException {
        try (Statement st = s.connection().createStatement();
             ResultSet rs = st.executeQuery("SELECT '" + table + "'::regclass::oid")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long backends(GuardedSession s, int pid) throws SQLException {
        return s.queryLong("SELECT count(*) FROM pg_stat_activity WHERE pid = ?", pid);
    }

    /** A real execution context: records the backend pids and progress reasons, with a fixed budget and a stop flag. */
    private static final class Context implements ExecutionContext {
        private final Operation operation;
        private final Instant deadline;
        final List<Integer> pids = new ArrayList<>();
        final List<String> progress = new ArrayList<>();
        volatile boolean stop;
        Runnable onProgress = () -> { };

        Context(Operation operation, Duration budget) {
            this.operation = operation;
            this.deadline = Instant.now().plus(budget);
        }

        @Override
        public Operation operation() {
            return operation;
        }

        @Override
        public void backendStarted(int pid) {
            pids.add(pid);
        }

        @Override
        public void progress(String reason, Map<String, Object> details) {
            progress.add(reason);
            onProgress.run();
        }

        @Override
        public boolean stopRequested() {
            return stop;
        }

        @Override
        public Duration remainingBudget() {
            return Duration.between(Instant.now(), deadline);
        }

        @Override
        public void executing(Statement statement) {
        }
    }
}
