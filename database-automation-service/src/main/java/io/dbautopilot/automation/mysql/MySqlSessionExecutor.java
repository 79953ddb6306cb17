package io.dbautopilot.automation.mysql;

import io.dbautopilot.automation.operation.ExecutionContext;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationExecutor;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.automation.operation.Outcome;
import io.dbautopilot.automation.state.StateTransactions;
import io.dbautopilot.model.Engine;
import io.dbautopilot.support.retry.Retry;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.dbautopilot.automation.execute.Effects.verified;

/**
 * Guarded self-healing on MySQL / MariaDB sessions: {@code KILL} of sessions sleeping inside an InnoDB transaction
 * beyond the policy's limit ({@code terminate_idle}) and {@code KILL QUERY} of statements running beyond it
 * ({@code cancel_query}). Never this service's own sessions (connection attribute {@code program_name}, the recorded
 * connections of running operations), replication or server threads. An operation decided on an anomaly is bound to
 * the session(s) the anomaly named (parameter {@code sessions}: id, user, start): only those are signalled, each
 * re-checked at execution by id, user and start (the transaction's start; the statement's, within
 * {@value #START_TOLERANCE} s) and still being over the limit; a session that ended, whose id now belongs to another
 * session or statement, or that no longer qualifies is not signalled and the effect records why. Without bound
 * sessions (a manual operation) every session over the limit is signalled, each re-checked just before its signal by
 * id, user and start. Verified by the signalled sessions being gone or no longer over the limit.
 */
@ApplicationScoped
public class MySqlSessionExecutor implements OperationExecutor {

    private static final Duration SETTLE_POLL = Duration.ofMillis(250);
    private static final int SETTLE_POLLS = 20;

    /** Client sessions only: not the server's own threads, not replication. */
    private static final String CLIENTS = """
            p.ID <> CONNECTION_ID() AND p.USER NOT IN ('system user', 'event_scheduler', 'DELAYED')
              AND p.COMMAND NOT IN ('Daemon', 'Binlog Dump', 'Binlog Dump GTID', 'Slave_IO', 'Slave_SQL', 'Slave_worker',
                                    'Connect')""";

    private static final String SLEEPING = """
            SELECT p.ID, p.USER, DATE_FORMAT(t.trx_started, '%Y-%m-%dT%H:%i:%s') AS started, p.TIME
              FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id
             WHERE p.COMMAND = 'Sleep' AND p.TIME >= ? AND\s""" + CLIENTS;

    private static final String SLEEPING_SAME = SLEEPING
            + " AND p.ID = ? AND p.USER = ? AND DATE_FORMAT(t.trx_started, '%Y-%m-%dT%H:%i:%s') = ?";

    private static final String RUNNING = """
            SELECT p.ID, p.USER, MD5(p.INFO) AS started, p.TIME, LEFT(p.INFO, 200) AS query
              FROM information_schema.PROCESSLIST p
             WHERE p.COMMAND IN ('Query', 'Execute') AND p.INFO IS NOT NULL AND p.TIME >= ? AND\s""" + CLIENTS;

    private static final String RUNNING_SAME = RUNNING + " AND p.ID = ? AND p.USER = ? AND MD5(p.INFO) = ?";

    /** Seconds a statement's start may differ between two readings ({@code UNIX_TIMESTAMP() - TIME} rounds). */
    static final int START_TOLERANCE = 2;

    /** A session by id, with its user and the start of its statement or of its open transaction (epoch seconds). */
    private static final String BY_ID = """
            SELECT p.USER, p.COMMAND, p.TIME, p.INFO IS NOT NULL AS has_statement,
                   CAST(UNIX_TIMESTAMP() - p.TIME AS SIGNED) AS statement_started,
                   (SELECT CAST(UNIX_TIMESTAMP() - TIMESTAMPDIFF(SECOND, t.trx_started, NOW()) AS SIGNED)
                      FROM information_schema.INNODB_TRX t WHERE t.trx_mysql_thread_id = p.ID) AS trx_started
              FROM information_schema.PROCESSLIST p WHERE p.ID = ?""";

    /** Sessions of this service on a target (connection attribute), when performance_schema is on. */
    private static final String OWN_SESSIONS = """
            SELECT PROCESSLIST_ID FROM performance_schema.session_connect_attrs
             WHERE ATTR_NAME = 'program_name' AND ATTR_VALUE LIKE 'db-autopilot%'""";

    /** Target connections of this service's running operations on a database (recorded by the guarded statements). */
    private static final String OWN_OPERATIONS = """
            SELECT backend_pid FROM automation.operation
             WHERE target_id = ? AND status = 'running' AND backend_pid IS NOT NULL""";

    private final MySqlGuardedStatements guarded;
    private final StateTransactions state;

    public MySqlSessionExecutor(MySqlGuardedStatements guarded, StateTransactions state) {
        this.guarded = guarded;
        this.state = state;
    }

    @Override
    public Set<OperationType> types() {
        return EnumSet.of(OperationType.TERMINATE_IDLE, OperationType.CANCEL_QUERY);
    }

    @Override
    public Set<Engine> engines() {
        return EnumSet.of(Engine.MYSQL, Engine.MARIADB);
    }

    @Override
    public Outcome execute(ExecutionContext ctx) {
        Operation op = ctx.operation();
        if (!(op.parameters().get("limit_seconds") instanceof Number limitValue)) {
            return new Outcome.Failed("operation has no limit_seconds parameter", Map.of());
        }
        long limit = limitValue.longValue();
        boolean kill = op.type() == OperationType.TERMINATE_IDLE;
        String find = kill ? SLEEPING : RUNNING;
        String same = kill ? SLEEPING_SAME : RUNNING_SAME;
        List<MySqlSessionRef> bound;
        try {
            bound = MySqlSessionRef.of(op.parameters());
        } catch (IllegalArgumentException e) {
            return new Outcome.Failed(e.getMessage(), Map.of());
        }
        if (!bound.isEmpty()) {
            return guarded.execute(ctx, s -> bound(s.connection(), ctx, bound, limit, kill));
        }
        return guarded.execute(ctx, s -> {
            Connection c = s.connection();
            Set<Long> own = own(c, op.targetId());
            List<Map<String, Object>> acted = new ArrayList<>();
            for (Map<String, Object> session : sessions(c, find, limit)) {
                long id = (Long) session.get("id");
                if (own.contains(id)) {
                    continue;
                }
                boolean still = exists(c, same, limit, id, (String) session.get("user"), (String) session.get("started"));
                boolean signalled = false;
                if (still) {
                    try (Statement st = c.createStatement()) {
                        st.execute((kill ? "KILL CONNECTION " : "KILL QUERY ") + id);
                        signalled = true;
                    } catch (SQLException gone) {
                        // ended between the re-check and the signal (unknown thread id)
                    }
                }
                session.put(kill ? "killed" : "query_killed", signalled);
                if (!still) {
                    session.put("skipped", "no longer the same session over the limit at the re-check");
                }
                if (!kill) {
                    session.remove("started");
                }
                acted.add(session);
            }
            return settled(c, ctx, find, limit, acted, kill
                    ? "KILL CONNECTION of sessions sleeping in a transaction for over " + limit + " s"
                    : "KILL QUERY of statements running for over " + limit + " s");
        });
    }

    /** Signals only the sessions the operation is bound to, each re-checked by id, user, start and limit. */
    private Outcome bound(Connection c, ExecutionContext ctx, List<MySqlSessionRef> sessions, long limit, boolean kill)
            throws SQLException {
        Set<Long> own = own(c, ctx.operation().targetId());
        List<Map<String, Object>> acted = new ArrayList<>();
        for (MySqlSessionRef ref : sessions) {
            Map<String, Object> session = new LinkedHashMap<>(ref.toParameter());
            String refusal = own.contains(ref.id()) ? "session " + ref.id() + " is this service's own"
                    : differs(c, ref, limit, kill);
            boolean signalled = false;
            if (refusal == null) {
                try (Statement st = c.createStatement()) {
                    st.execute((kill ? "KILL CONNECTION " : "KILL QUERY ") + ref.id());
                    signalled = true;
                } catch (SQLException gone) {
                    refusal = "session " + ref.id() + " ended before its signal";
                }
            }
            session.put(kill ? "killed" : "query_killed", signalled);
            if (refusal != null) {
                session.put("skipped", refusal + "; not " + (kill ? "killed" : "cancelled"));
            }
            acted.add(session);
        }
        String ids = sessions.stream().map(r -> String.valueOf(r.id())).collect(java.util.stream.Collectors.joining(", "));
        return settled(c, ctx, kill ? SLEEPING : RUNNING, limit, acted, kill
                ? "KILL CONNECTION of session(s) " + ids + " sleeping in a transaction for over " + limit + " s"
                : "KILL QUERY of the statement(s) of session(s) " + ids + " running for over " + limit + " s");
    }

    /**
     * The outcome once the signalled sessions settled (polled until none is over the limit, at most
     * {@code SETTLE_POLLS} times): what was done to each session and how many are still over the limit.
     */
    private Outcome settled(Connection c, ExecutionContext ctx, String find, long limit, List<Map<String, Object>> acted,
                            String what) throws SQLException {
        long remaining = stillOver(c, find, limit, acted);
        for (int i = 1; i < SETTLE_POLLS && remaining > 0 && Retry.sleep(SETTLE_POLL, ctx::stopRequested); i++) {
            remaining = stillOver(c, find, limit, acted);
        }
        Map<String, Object> effect = new LinkedHashMap<>();
        effect.put("limit_seconds", limit);
        effect.put("sessions", acted);
        effect.put("sessions_still_over_limit", remaining);
        return verified(remaining == 0, what, effect, remaining + " session(s) are still over the limit");
    }

    /**
     * Why the server's session {@code ref.id()} is not (any more) the one the operation is bound to, or null when it
     * is: the same user, the same start (of its open transaction when {@code kill}, of its statement otherwise) and
     * still over the limit.
     */
    private static String differs(Connection c, MySqlSessionRef ref, long limit, boolean kill) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(BY_ID)) {
            ps.setLong(1, ref.id());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "session " + ref.id() + " ended";
                }
                String user = rs.getString(1);
                if (!ref.user().equals(user)) {
                    return "id " + ref.id() + " now belongs to another session (user " + user + ")";
                }
                String command = rs.getString(2);
                long seconds = rs.getLong(3);
                if (kill) {
                    long trx = rs.getLong(6);
                    if (rs.wasNull()) {
                        return "session " + ref.id() + " has no open transaction any more";
                    }
                    if (trx != ref.started()) {
                        return "session " + ref.id() + " is in another transaction (started " + trx + ", not "
                                + ref.started() + ")";
                    }
                    return "Sleep".equals(command) && seconds >= limit ? null
                            : "session " + ref.id() + " no longer sleeps in its transaction past the limit (" + command
                            + ", " + seconds + " s)";
                }
                boolean running = ("Query".equals(command) || "Execute".equals(command)) && rs.getBoolean(4);
                if (!running) {
                    return "session " + ref.id() + " runs no statement any more (" + command + ")";
                }
                long started = rs.getLong(5);
                if (Math.abs(started - ref.started()) > START_TOLERANCE) {
                    return "session " + ref.id() + " runs another statement (started " + started + ", not "
                            + ref.started() + ")";
                }
                return seconds >= limit ? null
                        : "session " + ref.id() + "'s statement no longer runs past the limit (" + seconds + " s)";
            }
        }
    }

    private Set<Long> own(Connection c, String targetId) {
        Set<Long> own = new HashSet<>(state.inTransaction(tx -> {
            List<Long> ids = new ArrayList<>();
            try (PreparedStatement ps = tx.prepareStatement(OWN_OPERATIONS)) {
                ps.setString(1, targetId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
            }
            return ids;
        }));
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(OWN_SESSIONS)) {
            while (rs.next()) {
                own.add(rs.getLong(1));
            }
        } catch (SQLException noPerformanceSchema) {
            // without performance_schema only the recorded operation sessions are known as ours
        }
        return own;
    }

    private static List<Map<String, Object>> sessions(Connection c, String sql, long limit) throws SQLException {
        List<Map<String, Object>> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("id", rs.getLong(1));
                    s.put("user", rs.getString(2));
                    s.put("started", rs.getString(3));
                    s.put("seconds", rs.getLong(4));
                    if (rs.getMetaData().getColumnCount() > 4) {
                        s.put("query", rs.getString(5));
                    } else {
                        s.put("trx_started", rs.getString(3));
                    }
                    out.add(s);
                }
            }
        }
        return out;
    }

    private static boolean exists(Connection c, String sql, long limit, long id, String user, String started)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, limit);
            ps.setLong(2, id);
            ps.setString(3, user);
            ps.setString(4, started);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static long stillOver(Connection c, String find, long limit, List<Map<String, Object>> acted)
            throws SQLException {
        Set<Long> ids = new HashSet<>();
        acted.stream().filter(s -> Boolean.TRUE.equals(s.get("killed")) || Boolean.TRUE.equals(s.get("query_killed")))
                .forEach(s -> ids.add((Long) s.get("id")));
        if (ids.isEmpty()) {
            return 0;
        }
        return sessions(c, find, limit).stream().filter(s -> ids.contains((Long) s.get("id"))).count();
    }
}
