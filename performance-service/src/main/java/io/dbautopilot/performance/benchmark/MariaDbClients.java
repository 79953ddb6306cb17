package io.dbautopilot.performance.benchmark;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The clients of the MariaDB suite's measured steps, each the MariaDB form of pgbench's script of the same step:
 * {@code SELECT 1} with a new session per transaction or on a kept one, the TPC-B-like transaction, the select-only
 * read, the single-row and the multi-row INSERT. Statements are constants (and a configured row count); values are
 * bound parameters.
 */
final class MariaDbClients {

    /** The single-row INSERT's payload, the same as the PostgreSQL suite's. */
    static final String PAYLOAD = "db autopilot benchmark row 0123456789";

    private MariaDbClients() {
    }

    /**
     * The factory of a step's clients.
     *
     * @param scale accounts are {@code 100000 × scale}, tellers {@code 10 × scale}, branches {@code scale}
     * @param rows  rows per statement of the multi-row INSERT
     */
    static ClientLoad.Clients of(BenchmarkSuite.Step step, BenchmarkTarget target, String database, long timeoutMs,
                                 int scale, int rows) {
        return switch (step.kind()) {
            case CONNECT -> i -> new Reconnecting(target, database, timeoutMs);
            case SELECT_1 -> i -> new Kept(MariaDbSessions.connect(target, database, timeoutMs, false), "SELECT 1",
                    0, 0);
            case SELECT_ONLY -> i -> new Kept(MariaDbSessions.connect(target, database, timeoutMs, false),
                    "SELECT abalance FROM pgbench_accounts WHERE aid = ?", 100_000L * scale, 1);
            case INSERT -> i -> new Kept(MariaDbSessions.connect(target, database, timeoutMs, false),
                    insert(1), 2_000_000_000L, 1);
            case INSERT_MULTI -> i -> new Kept(MariaDbSessions.connect(target, database, timeoutMs, false),
                    insert(rows), 2_000_000_000L, rows);
            case TPCB, SUSTAINED -> i -> new Tpcb(MariaDbSessions.connect(target, database, timeoutMs, false), scale);
            case COPY, BULK_LOAD, POOL_SCALING, SUSTAINED_VS_PEAK ->
                    throw new IllegalArgumentException(step.kind() + " has no clients");
        };
    }

    /** {@code INSERT INTO autopilot_bench_insert (id, payload) VALUES (?, '<payload>'), …} of {@code rows} rows. */
    static String insert(int rows) {
        StringBuilder sql = new StringBuilder("INSERT INTO autopilot_bench_insert (id, payload) VALUES ");
        for (int i = 0; i < rows; i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, '").append(PAYLOAD).append("')");
        }
        return sql.toString();
    }

    /** A new session per transaction: connect, {@code SELECT 1}, disconnect. */
    private record Reconnecting(BenchmarkTarget target, String database, long timeoutMs) implements ClientLoad.Client {
        @Override
        public void transaction() throws SQLException {
            try (Connection c = MariaDbSessions.connect(target, database, timeoutMs, false);
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
                rs.next();
            }
        }

        @Override
        public void close() {
        }
    }

    /**
     * One kept session running one statement per transaction (autocommit), its {@code params} parameters bound to
     * consecutive values from a random start below {@code range}.
     */
    private static final class Kept implements ClientLoad.Client {
        private final Connection connection;
        private final PreparedStatement statement;
        private final long range;
        private final int params;

        Kept(Connection connection, String sql, long range, int params) throws SQLException {
            this.connection = connection;
            this.statement = connection.prepareStatement(sql);
            this.range = range;
            this.params = params;
        }

        @Override
        public void transaction() throws SQLException {
            if (params > 0) {
                long first = ThreadLocalRandom.current().nextLong(1, range + 1);
                for (int i = 0; i < params; i++) {
                    statement.setLong(i + 1, first + i);
                }
            }
            if (statement.execute()) {
                try (ResultSet rs = statement.getResultSet()) {
                    rs.next();
                }
            }
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    /** pgbench's TPC-B-like transaction on a kept session: three UPDATEs, a SELECT and an INSERT, committed. */
    private static final class Tpcb implements ClientLoad.Client {
        private final Connection connection;
        private final PreparedStatement account;
        private final PreparedStatement balance;
        private final PreparedStatement teller;
        private final PreparedStatement branch;
        private final PreparedStatement history;
        private final int scale;

        Tpcb(Connection connection, int scale) throws SQLException {
            this.connection = connection;
            this.scale = scale;
            connection.setAutoCommit(false);
            account = connection.prepareStatement("UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ?");
            balance = connection.prepareStatement("SELECT abalance FROM pgbench_accounts WHERE aid = ?");
            teller = connection.prepareStatement("UPDATE pgbench_tellers SET tbalance = tbalance + ? WHERE tid = ?");
            branch = connection.prepareStatement("UPDATE pgbench_branches SET bbalance = bbalance + ? WHERE bid = ?");
            history = connection.prepareStatement("INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) "
                    + "VALUES (?, ?, ?, ?, CURRENT_TIMESTAMP)");
        }

        @Override
        public void transaction() throws SQLException {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            int aid = random.nextInt(1, 100_000 * scale + 1);
            int bid = random.nextInt(1, scale + 1);
            int tid = random.nextInt(1, 10 * scale + 1);
            int delta = random.nextInt(-5000, 5001);
            update(account, delta, aid);
            balance.setInt(1, aid);
            try (ResultSet rs = balance.executeQuery()) {
                rs.next();
            }
            update(teller, delta, tid);
            update(branch, delta, bid);
            history.setInt(1, tid);
            history.setInt(2, bid);
            history.setInt(3, aid);
            history.setInt(4, delta);
            history.executeUpdate();
            connection.commit();
        }

        private static void update(PreparedStatement st, int delta, int id) throws SQLException {
            st.setInt(1, delta);
            st.setInt(2, id);
            st.executeUpdate();
        }

        @Override
        public void rollback() throws SQLException {
            connection.rollback();
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }
}
