package io.dbautopilot.localstack.demo;

import io.dbautopilot.localstack.postgres.PostgresServer;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The local stack's built-in load on the demo database, so that charts move, anomalies open and the automation loop
 * acts within minutes of the start: about five small transactions a second on {@code orders} and {@code events}
 * (customer look-ups without an index for the index advisor), a churn of deletes, inserts and updates on
 * {@code stock} that leaves dead tuples ({@code dead_tuples} opens, the automation service vacuums), and a slow report
 * (about 1.2 s, every 8 s) that {@code pg_stat_statements} ranks as slow.
 *
 * <p>Every statement starts with the comment {@value #TAG}, so it can be told apart in {@code pg_stat_statements}.
 * Runs on daemon threads with one connection per task (application name {@value #APPLICATION}); a failing statement is
 * counted and retried on the next tick with a new connection; {@link #close()} stops it.
 */
public final class DemoWorkload implements AutoCloseable {

    /** Comment every workload statement starts with. */
    public static final String TAG = "/* demo workload */";
    /** {@code application_name} of the workload's sessions. */
    public static final String APPLICATION = "dbautopilot-demo-workload";
    /** SQLSTATE of a row for which no partition of {@code events} exists yet (before the upkeep created today's). */
    private static final String NO_PARTITION = "23514";

    private final PostgresServer postgres;
    private final String database;
    private final ScheduledExecutorService executor;
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final List<Task> tasks;

    private DemoWorkload(PostgresServer postgres, String database) {
        this.postgres = postgres;
        this.database = database;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, "demo-workload-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.tasks = List.of(new Task("orders", this::orders), new Task("churn", this::churn), new Task("slow report", this::slowReport));
    }

    /** Starts the workload on {@code database} of {@code postgres}. */
    public static DemoWorkload start(PostgresServer postgres, String database) {
        DemoWorkload w = new DemoWorkload(postgres, database);
        w.executor.scheduleWithFixedDelay(w.tasks.get(0), 0, 200, TimeUnit.MILLISECONDS);
        w.executor.scheduleWithFixedDelay(w.tasks.get(1), 100, 500, TimeUnit.MILLISECONDS);
        w.executor.scheduleWithFixedDelay(w.tasks.get(2), 2_000, 8_000, TimeUnit.MILLISECONDS);
        return w;
    }

    /** Transactions committed so far. */
    public long transactions() {
        return transactions.get();
    }

    /** Statements that failed so far (a missing {@code events} partition does not count). */
    public long failures() {
        return failures.get();
    }

    /** One small transaction: a new order, a customer's order total (no index on customer), an event or a price change. */
    private void orders(Connection c) throws SQLException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int pick = random.nextInt(10);
        if (pick < 4) {
            update(c, TAG + " INSERT INTO orders (customer, total) VALUES (?, ?)", random.nextInt(500), random.nextInt(1, 20_000) / 100.0);
        } else if (pick < 7) {
            try (PreparedStatement ps = c.prepareStatement(TAG + " SELECT count(*), sum(total) FROM orders WHERE customer = ?")) {
                ps.setInt(1, random.nextInt(500));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                }
            }
        } else if (pick < 9) {
            try {
                update(c, TAG + " INSERT INTO events (kind, detail) VALUES (?, jsonb_build_object('customer', ?))",
                        random.nextBoolean() ? "order_viewed" : "cart_updated", random.nextInt(500));
            } catch (SQLException e) {
                if (!NO_PARTITION.equals(e.getSQLState())) {
                    throw e;
                }
                return; // today's partition is not there yet: the partition upkeep creates it within a minute
            }
        } else {
            update(c, TAG + " UPDATE orders SET total = total + 1 WHERE id = ?", random.nextLong(1, 20_000));
        }
        transactions.incrementAndGet();
    }

    /** Churn on stock: the 50 oldest rows deleted and inserted anew, and 20 quantities changed (dead tuples). */
    private void churn(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate(TAG + " WITH gone AS (DELETE FROM stock WHERE id IN (SELECT id FROM stock ORDER BY id LIMIT 50) "
                    + "RETURNING item) INSERT INTO stock (item, quantity) SELECT item, 100 FROM gone");
        }
        transactions.incrementAndGet();
        update(c, TAG + " UPDATE stock SET quantity = quantity - 1, updated_at = now() WHERE item = ?",
                ThreadLocalRandom.current().nextInt(2000));
        transactions.incrementAndGet();
    }

    /** The slow report: revenue of the last day, padded to about 1.2 s (pg_sleep, no CPU). */
    private void slowReport(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(TAG + " SELECT count(*), sum(total), pg_sleep(1.2) FROM orders "
                     + "WHERE created_at > now() - interval '1 day'")) {
            rs.next();
        }
        transactions.incrementAndGet();
    }

    private static void update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    /** Stops the workload and closes its connections. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tasks.forEach(Task::disconnect);
    }

    /** What one task runs on its connection. */
    @FunctionalInterface
    private interface Work {
        void run(Connection c) throws SQLException;
    }

    /** One periodic task with its own connection (never run concurrently with itself by the executor). */
    private final class Task implements Runnable {

        private final String name;
        private final Work work;
        private Connection connection;
        private boolean reported;

        Task(String name, Work work) {
            this.name = name;
            this.work = work;
        }

        @Override
        public void run() {
            try {
                if (connection == null || connection.isClosed()) {
                    connection = postgres.connect(database);
                    try (Statement st = connection.createStatement()) {
                        st.execute("SET application_name = '" + APPLICATION + "'");
                        st.execute("SET statement_timeout = '" + Duration.ofSeconds(30).toMillis() + "ms'");
                    }
                }
                work.run(connection);
            } catch (SQLException | RuntimeException e) {
                failures.incrementAndGet();
                if (!reported && !executor.isShutdown()) {
                    reported = true; // once per task: the stack's console is not a log
                    System.err.println("demo workload (" + name + "): " + e.getMessage() + " (retrying; further errors not shown)");
                }
                disconnect();
            }
        }

        synchronized void disconnect() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // the connection is gone either way
                }
                connection = null;
            }
        }
    }
}
