package io.dbautopilot.automation.operation;

import io.dbautopilot.automation.database.CatalogObject;
import io.dbautopilot.automation.database.CatalogObjects;
import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.engine.Engines;
import io.dbautopilot.automation.execute.GuardedStatements;
import io.dbautopilot.automation.mysql.MySqlCatalog;
import io.dbautopilot.automation.mysql.MySqlGuardedStatements;
import io.dbautopilot.automation.mysql.MySqlNames;
import io.dbautopilot.automation.mysql.MySqlSessionRef;
import io.dbautopilot.model.Engine;
import io.dbautopilot.support.events.MalformedEventException;
import io.dbautopilot.automation.policy.Decision;
import io.dbautopilot.automation.policy.PolicyDecider;
import io.dbautopilot.support.problem.ProblemException;
import io.dbautopilot.automation.policy.Trigger;
import io.dbautopilot.automation.state.StateTransactions;
import io.dbautopilot.model.AnomalyEvent;
import io.dbautopilot.model.OperationState;
import io.dbautopilot.model.RecommendationEvent;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Creates operations (from the policy's decision on an anomaly, a recommendation or a finding, or manually through the
 * API with the object checked against the target's catalog) and carries out operators' approvals and cancellations;
 * the SQL is {@link OperationStore}'s.
 */
@ApplicationScoped
public class OperationRequests {

    private static final Logger LOG = Logger.getLogger(OperationRequests.class);

    /** Types an operator may request by hand. */
    public static final Set<OperationType> MANUAL = Set.of(OperationType.VACUUM, OperationType.VACUUM_FREEZE,
            OperationType.ANALYZE, OperationType.OPTIMIZE, OperationType.REINDEX, OperationType.TERMINATE,
            OperationType.MEMORY_PURGE, OperationType.CHECKPOINT);

    /** Parameter of a drop_index: the anomaly rule or recommendation kind that asked for it (re-checked when it runs). */
    public static final String DROP_TRIGGER = "drop_trigger";

    private final PolicyDecider policy;
    private final OperationStore store;
    private final Outbox outbox;
    private final StateTransactions transactions;
    private final ManagedDatabases databases;
    private final CatalogObjects catalog;
    private final OperationsConfig config;
    private final OperationEngine engine;
    private final GuardedStatements guarded;
    private final MySqlGuardedStatements mysqlGuarded;
    private final MySqlCatalog mysqlCatalog;
    private final Engines engines;
    private final Set<String> unservedLogged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<OperationType, ManualTypeValidator> validators = new java.util.EnumMap<>(OperationType.class);

    public OperationRequests(PolicyDecider policy, OperationStore store, Outbox outbox, StateTransactions transactions,
                             ManagedDatabases databases, CatalogObjects catalog, OperationsConfig config,
                             OperationEngine engine, GuardedStatements guarded, MySqlGuardedStatements mysqlGuarded,
                             MySqlCatalog mysqlCatalog, Engines engines,
                             jakarta.enterprise.inject.Instance<ManualTypeValidator> validators) {
        this.mysqlGuarded = mysqlGuarded;
        this.mysqlCatalog = mysqlCatalog;
        this.engines = engines;
        validators.forEach(v -> v.types().forEach(t -> this.validators.put(t, v)));
        this.policy = policy;
        this.store = store;
        this.outbox = outbox;
        this.transactions = transactions;
        this.databases = databases;
        this.catalog = catalog;
        this.config = config;
        this.engine = engine;
        this.guarded = guarded;
    }

    /**
     * In the intake's transaction: asks the policy about an anomaly event and creates the operation it decides on
     * (once per triggering event id). Empty when no rule applies, the database is not managed, or the anomaly lacks
     * the object the operation needs.
     */
    public Optional<Operation> fromAnomaly(Connection tx, String eventId, AnomalyEvent event) throws SQLException {
        Optional<Decision> decision = decide(Trigger.of(eventId, event));
        if (decision.isEmpty()) {
            return Optional.empty();
        }
        Decision d = decision.get();
        OperationType.ObjectKind kind = d.operation().objectKind();
        boolean sqlite = databases.engineOf(event.targetId()).filter(e -> e == Engine.SQLITE).isPresent();
        if (sqlite) {
            kind = OperationType.ObjectKind.NONE; // SQLite maintenance acts on the whole file: the object is not used
        }
        if (event.object() == null && (kind == OperationType.ObjectKind.TABLE || kind == OperationType.ObjectKind.INDEX)) {
            LOG.warnf("Policy rule '%s' asks for %s but anomaly %s names no object: no operation", d.ruleName(),
                    d.operation().wire(), eventId);
            return Optional.empty();
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        if (d.limit() != null) {
            parameters.put("limit_seconds", d.limit().toSeconds());
        }
        if (d.operation() == OperationType.DROP_INDEX) {
            parameters.put(DROP_TRIGGER, event.detector());
        }
        mysqlEventObject(event.targetId(), kind, event.object());
        mysqlSessions(event.targetId(), d.operation(), event.object()).ifPresent(session ->
                parameters.put(MySqlSessionRef.PARAMETER, List.of(session.toParameter())));
        boolean sessionOp = kind == OperationType.ObjectKind.NONE;
        NewOperation n = new NewOperation(event.targetId(), d.operation(), sessionOp ? null : event.object(),
                d.mode().wire(), d.ruleName(), event.severity().wire(), eventId, "policy", parameters, d.reason());
        return insert(tx, n);
    }

    /**
     * In the intake's transaction: asks the policy about a recommendation and creates the operation it decides on
     * (once per triggering event id, and not while an unfinished operation of that type on that object exists).
     * For {@code create_index} the columns come from the evidence's {@code columns} list; the table and columns are
     * checked against the target's catalog when the operation runs. Empty when nothing is to be done.
     */
    public Optional<Operation> fromRecommendation(Connection tx, String eventId, RecommendationEvent event)
            throws SQLException {
        Optional<Decision> decision = decide(Trigger.of(eventId, event));
        if (decision.isEmpty()) {
            return Optional.empty();
        }
        Decision d = decision.get();
        OperationType.ObjectKind kind = d.operation().objectKind();
        if (event.object() == null && kind != OperationType.ObjectKind.TABLE_OR_DATABASE) {
            LOG.warnf("Policy rule '%s' asks for %s but recommendation %s names no object: no operation", d.ruleName(),
                    d.operation().wire(), eventId);
            return Optional.empty();
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("recommendation_id", event.recommendationId());
        if (d.operation() == OperationType.DROP_INDEX) {
            parameters.put(DROP_TRIGGER, event.kind());
        }
        if (d.operation() == OperationType.CREATE_INDEX) {
            if (!(event.evidence().get("columns") instanceof List<?> columns) || columns.isEmpty()
                    || !columns.stream().allMatch(c -> c instanceof String text && !text.isBlank())) {
                LOG.warnf("Policy rule '%s' asks for create_index but recommendation %s has no evidence.columns "
                        + "(a list of column names): no operation", d.ruleName(), eventId);
                return Optional.empty();
            }
            parameters.put("columns", List.copyOf(columns));
            // the statements the index is for (evidence.statements[].queryid): their mean time is verified afterwards
            List<String> queryids = event.evidence().get("statements") instanceof List<?> statements
                    ? statements.stream().filter(st -> st instanceof Map<?, ?>).map(st -> ((Map<?, ?>) st).get("queryid"))
                    .filter(q -> q != null && String.valueOf(q).matches("-?\\d{1,20}")).map(String::valueOf).toList()
                    : List.of();
            if (!queryids.isEmpty()) {
                parameters.put("queryids", queryids);
            }
        }
        mysqlEventObject(event.targetId(), kind, event.object());
        if (store.unfinished(tx, event.targetId(), d.operation(), event.object())) {
            LOG.infof("Recommendation %s: an unfinished %s on %s exists already: no second operation", eventId,
                    d.operation().wire(), event.object());
            return Optional.empty();
        }
        NewOperation n = new NewOperation(event.targetId(), d.operation(), event.object(), d.mode().wire(), d.ruleName(),
                null, eventId, "policy", parameters, d.reason());
        return insert(tx, n);
    }

    /**
     * A hostile or malformed MySQL / MariaDB name in an event never reaches a target: the record is dead-lettered
     * with the reason ({@code schema.table} for table operations, {@code schema.table.index} for index operations).
     */
    private void mysqlEventObject(String targetId, OperationType.ObjectKind kind, String object) {
        if (databases.engineOf(targetId).filter(e -> e == Engine.MYSQL || e == Engine.MARIADB).isEmpty()) {
            return;
        }
        if (kind == OperationType.ObjectKind.TABLE && MySqlNames.table(object).isEmpty()) {
            throw new MalformedEventException(MySqlNames.refusal(object) + " (target " + targetId + ")");
        }
        if (kind == OperationType.ObjectKind.INDEX && MySqlNames.index(object).isEmpty()) {
            throw new MalformedEventException(MySqlNames.indexRefusal(object) + " (target " + targetId + ")");
        }
    }

    /**
     * The MySQL / MariaDB session a KILL decided on an anomaly is bound to: the session the anomaly's object names
     * ({@code <id>.<started>.<user>}, see the processlist rules). An anomaly naming no object (a custom rule without
     * the session labels) binds none: the executor then acts on every session over the limit, each re-checked. An
     * object that is not a session is dead-lettered with the reason.
     */
    private Optional<MySqlSessionRef> mysqlSessions(String targetId, OperationType type, String object) {
        if (object == null || (type != OperationType.TERMINATE_IDLE && type != OperationType.CANCEL_QUERY)
                || databases.engineOf(targetId).filter(e -> e == Engine.MYSQL || e == Engine.MARIADB).isEmpty()) {
            return Optional.empty();
        }
        Optional<MySqlSessionRef> session = MySqlSessionRef.parse(object);
        if (session.isEmpty()) {
            throw new MalformedEventException("object '" + object + "' is not a MySQL session <id>.<started>.<user> "
                    + "for " + type.wire() + " (target " + targetId + ")");
        }
        return session;
    }

    /**
     * Asks the policy about a finding of this service itself (e.g. {@code partitions_missing} on a table) and creates
     * the operation it decides on, unless an unfinished operation of that type on that object exists already.
     */
    public Optional<Operation> fromFinding(String targetId, String rule, String object, Map<String, Object> parameters,
                                           String summary) {
        Optional<Decision> decision = decide(Trigger.finding(targetId, rule, null, object));
        if (decision.isEmpty()) {
            return Optional.empty();
        }
        Decision d = decision.get();
        return transactions.inTransaction(tx -> {
            if (store.unfinished(tx, targetId, d.operation(), object)) {
                return Optional.<Operation>empty();
            }
            NewOperation n = new NewOperation(targetId, d.operation(), object, d.mode().wire(), d.ruleName(),
                    "warning", null, "policy", parameters, d.reason() + ": " + summary);
            return insert(tx, n);
        });
    }

    /** The policy's decision for a trigger on a managed database; empty (logged) when its database is not managed. */
    private Optional<Decision> decide(Trigger trigger) {
        Optional<Decision> decision = policy.decide(trigger);
        if (decision.isPresent() && !databases.exists(trigger.targetId())) {
            String why = databases.notManaged(trigger.targetId()).orElse("unknown target");
            // an unavailable target was reported once, with its field, when its definition arrived: not again per event
            LOG.logf(why.startsWith("unavailable") ? Logger.Level.DEBUG : Logger.Level.WARN,
                    "Policy rule '%s' matched %s %s, but '%s' is not managed (%s): no operation",
                    decision.get().ruleName(), trigger.kind().wire(),
                    trigger.eventId() == null ? trigger.rule() + " on " + trigger.object() : trigger.eventId(),
                    trigger.targetId(), why);
            return Optional.empty();
        }
        if (decision.isPresent()) {
            Engine engine = databases.engineOf(trigger.targetId()).orElse(Engine.POSTGRESQL);
            Optional<String> unserved = engines.unavailable(decision.get().operation(), engine);
            if (unserved.isPresent()) {
                // reported once per target and operation type, not per event
                if (unservedLogged.add(trigger.targetId() + "/" + decision.get().operation().wire())) {
                    LOG.infof("Policy rule '%s' asks for %s on '%s', but it is unavailable: %s; no operation (logged "
                            + "once)", decision.get().ruleName(), decision.get().operation().wire(), trigger.targetId(),
                            unserved.get());
                }
                return Optional.empty();
            }
        }
        return decision;
    }

    /** Why a target gets no operations ({@code unknown target}, {@code unavailable: <reason>}); empty when managed. */
    public Optional<String> notManaged(String targetId) {
        return databases.notManaged(targetId);
    }

    /**
     * A manual request from the API, already parsed; {@code value} is the new value of a {@code tune}'s setting.
     */
    public record Manual(String database, String type, String object, String mode, String reason, String value) {
    }

    /** Validates a manual request (type, database, object against the catalog) and creates the operation. */
    public Operation createManual(Manual request, String caller) {
        if (request == null) {
            throw ProblemException.badRequest("request body is required: {\"database\", \"type\", \"object\"}");
        }
        if (request.database() == null || request.database().isBlank()) {
            throw ProblemException.badRequest("field 'database' is required (one of " + databases.ids() + ")");
        }
        if (!databases.exists(request.database())) {
            throw ProblemException.badRequest("field 'database': '" + request.database() + "' is not a managed database "
                    + "(one of " + databases.ids() + ")");
        }
        OperationType type = OperationType.parse(request.type())
                .filter(t -> MANUAL.contains(t) || validators.containsKey(t)).orElseThrow(() ->
                ProblemException.badRequest("field 'type': '" + request.type() + "' is not a manual operation (one of "
                        + "vacuum, vacuum_freeze, analyze, optimize, reindex, terminate, memory_purge, checkpoint"
                        + validators.keySet().stream().map(t -> ", " + t.wire()).collect(java.util.stream.Collectors.joining())
                        + ")"));
        Engine engine = databases.engineOf(request.database()).orElse(Engine.POSTGRESQL);
        engines.unavailable(type, engine).ifPresent(why -> {
            throw ProblemException.badRequest("field 'type': " + type.wire() + " is unavailable for database '"
                    + request.database() + "': " + why);
        });
        ManualTypeValidator.Validated validated = validators.containsKey(type)
                ? validators.get(type).validate(request) : null;
        String mode = request.mode() != null ? request.mode() : validated != null ? validated.defaultMode() : "auto";
        if (!Set.of("auto", "window", "approval").contains(mode)) {
            throw ProblemException.badRequest("field 'mode': '" + mode + "' is not one of auto, window, approval");
        }
        Map<String, Object> parameters = new LinkedHashMap<>();
        String object;
        if (validated != null) {
            object = validated.object();
            parameters.putAll(validated.parameters());
        } else {
            object = validatedObject(request.database(), type, request.object(), parameters);
        }
        String reason = "manual request by " + caller + (request.reason() == null ? "" : ": " + request.reason());
        NewOperation n = new NewOperation(request.database(), type, object, mode, null, null, null, caller, parameters, reason);
        Operation op = transactions.inTransaction(tx -> insert(tx, n).orElseThrow());
        if (op.status() == OperationStatus.CANCELLED && op.reason() != null && op.reason().startsWith(OperationStore.REFUSED)) {
            throw ProblemException.conflict(op.reason() + "; recorded as operation " + op.id()
                    + " (lift with DELETE /api/emergency-stop)");
        }
        return op;
    }

    private Optional<Operation> insert(Connection tx, NewOperation n) throws SQLException {
        return store.insert(tx, n, config.maxAttempts(), databases.trust(n.targetId()));
    }

    /** The object checked against the catalog; for a pid, its session identity is put into {@code parameters}. */
    private String validatedObject(String database, OperationType type, String object, Map<String, Object> parameters) {
        if (databases.engineOf(database).filter(e -> e == Engine.SQLITE).isPresent()) {
            if (object != null && !object.isBlank()) {
                throw ProblemException.badRequest("field 'object': SQLite " + type.wire() + " acts on the whole database "
                        + "file of '" + database + "'; leave 'object' out");
            }
            return null;
        }
        if (type.objectKind() == OperationType.ObjectKind.NONE) {
            if (object != null && !object.isBlank()) {
                throw ProblemException.badRequest("field 'object': " + type.wire() + " takes no object");
            }
            return null;
        }
        if (object == null || object.isBlank()) {
            if (type.objectKind() == OperationType.ObjectKind.TABLE_OR_DATABASE) {
                return null;
            }
            throw ProblemException.badRequest("field 'object' is required for " + type.wire());
        }
        if (databases.engineOf(database).filter(e -> e != Engine.POSTGRESQL).isPresent()) {
            return mysqlObject(database, object);
        }
        try (Connection c = databases.connect(database, "api")) {
            if (type.objectKind() == OperationType.ObjectKind.PID) {
                int pid;
                try {
                    pid = Integer.parseInt(object.trim());
                } catch (NumberFormatException e) {
                    throw ProblemException.badRequest("field 'object': '" + object + "' is not a backend pid");
                }
                parameters.putAll(catalog.clientBackend(c, pid).orElseThrow(() -> ProblemException.badRequest(
                        "field 'object': pid " + pid + " is not a client backend of database '" + database + "'")));
                return Integer.toString(pid);
            }
            String[] kinds = type.objectKind() == OperationType.ObjectKind.INDEX ? CatalogObjects.INDEXES : CatalogObjects.TABLES;
            String what = type.objectKind() == OperationType.ObjectKind.INDEX ? "an index" : "a table";
            CatalogObject found = catalog.find(c, object, kinds).orElseThrow(() -> ProblemException.badRequest(
                    "field 'object': '" + object + "' is not " + what + " in database '" + database
                            + "' (names are looked up in pg_class/pg_namespace as schema.name)"));
            return found.qualified();
        } catch (SQLException e) {
            throw new ProblemException(503, "Service Unavailable", "cannot check the object against database '" + database
                    + "': " + e.getMessage());
        }
    }

    /** A MySQL / MariaDB table named by the API: a plain {@code schema.table} that exists in information_schema. */
    private String mysqlObject(String database, String object) {
        if (MySqlNames.table(object).isEmpty()) {
            throw ProblemException.badRequest("field 'object': " + MySqlNames.refusal(object));
        }
        try (Connection c = databases.connect(database, "api")) {
            return mysqlCatalog.find(c, object).map(t -> t.name().qualified()).orElseThrow(() ->
                    ProblemException.badRequest("field 'object': '" + object + "' is not a base table of database '"
                            + database + "' (looked up in information_schema.TABLES as schema.table)"));
        } catch (SQLException e) {
            throw new ProblemException(503, "Service Unavailable", "cannot check the object against database '"
                    + database + "': " + e.getMessage());
        }
    }

    /** Approves an operation waiting for approval: it becomes claimable now. */
    public Operation approve(UUID id, String caller) {
        return transactions.inTransaction(tx -> {
            Operation op = store.lock(tx, id).orElseThrow(() -> ProblemException.notFound("no operation " + id));
            String reason = "approved by " + caller;
            Operation approved = store.approve(tx, id, caller, reason).orElseThrow(() ->
                    ProblemException.conflict("operation " + id + " is " + op.status().wire() + ", not awaiting_approval"));
            outbox.append(tx, approved, OperationState.REQUESTED, reason, Map.of("approved_by", caller));
            return approved;
        });
    }

    /**
     * Cancels an operation: a waiting one at once; a running one by flagging it and cancelling its backend on the
     * target ({@code pg_cancel_backend} on the recorded pid, checked by application_name); the executor then
     * records it as cancelled.
     */
    public Operation cancel(UUID id, String caller) {
        return cancel(id, caller, null);
    }

    /** Like {@link #cancel(UUID, String)}, with why appended to the reason (e.g. the emergency stop). */
    public Operation cancel(UUID id, String caller, String why) {
        Operation op = transactions.inTransaction(tx -> {
            Operation current = store.lock(tx, id).orElseThrow(() -> ProblemException.notFound("no operation " + id));
            String reason = "cancelled by " + caller + (why == null ? "" : ": " + why);
            if (current.status().terminal()) {
                throw ProblemException.conflict("operation " + id + " already " + current.status().wire());
            }
            if (current.status() == OperationStatus.RUNNING) {
                return store.requestCancel(tx, id, reason + " (cancelling its backend)").orElseThrow();
            }
            Operation cancelled = store.cancelWaiting(tx, id, reason).orElseThrow();
            outbox.append(tx, cancelled, OperationState.CANCELLED, reason, Map.of("cancelled_by", caller));
            return cancelled;
        });
        if (op.status() == OperationStatus.RUNNING) {
            engine.cancelLocally(id);
            if (op.backendPid() != null) {
                cancelBackend(op);
            }
        }
        return op;
    }

    private void cancelBackend(Operation op) {
        try {
            boolean mysql = databases.engineOf(op.targetId()).filter(e -> e != Engine.POSTGRESQL).isPresent();
            LOG.infof("Operation %s: %s(%d) %s", op.id(), mysql ? "KILL QUERY" : "pg_cancel_backend", op.backendPid(),
                    (mysql ? mysqlGuarded.cancelBackend(op) : guarded.cancelBackend(op)) ? "sent"
                            : "not needed (backend gone)");
        } catch (SQLException e) {
            LOG.warnf("Operation %s: could not cancel backend %d: %s", op.id(), op.backendPid(), e.getMessage());
        }
    }
}
