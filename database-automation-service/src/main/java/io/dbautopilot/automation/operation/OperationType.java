package io.dbautopilot.automation.operation;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The kinds of operation the engine can run; heavy ones run one at a time per database. */
public enum OperationType {
    /** {@code VACUUM (ANALYZE)} of one table; verified by the dead tuples dropping. */
    VACUUM(true, ObjectKind.TABLE),
    /** {@code VACUUM (FREEZE)} of one table (or the whole database without object); verified by the XID age dropping. */
    VACUUM_FREEZE(true, ObjectKind.TABLE_OR_DATABASE),
    /** {@code ANALYZE} of one table; verified by {@code last_analyze} moving. */
    ANALYZE(false, ObjectKind.TABLE),
    /** {@code REINDEX INDEX CONCURRENTLY}; verified by size and by no invalid {@code _ccnew} index being left. */
    REINDEX(true, ObjectKind.INDEX),
    /**
     * {@code CREATE INDEX CONCURRENTLY} on a table (object) over the columns in parameter {@code columns}; verified by
     * a valid index existing.
     */
    CREATE_INDEX(true, ObjectKind.TABLE),
    /** {@code DROP INDEX CONCURRENTLY} of an (invalid or unused) index; verified by the index being gone. */
    DROP_INDEX(true, ObjectKind.INDEX),
    /** Terminates sessions idle in transaction beyond the policy's limit; verified by the sessions being gone. */
    TERMINATE_IDLE(false, ObjectKind.NONE),
    /** Cancels queries running beyond the policy's limit; verified by the queries no longer running. */
    CANCEL_QUERY(false, ObjectKind.NONE),
    /** Terminates one named backend (object = pid); verified by the backend being gone. */
    TERMINATE(false, ObjectKind.PID),
    /** Creates the missing current and next partitions of a range-partitioned table; verified by coverage. */
    PARTITION_CREATE(false, ObjectKind.TABLE),
    /** Detaches (concurrently) the partitions beyond retention; verified by them no longer being attached. */
    PARTITION_DETACH(false, ObjectKind.TABLE),
    /** Detaches and drops the partitions beyond retention (destructive: needs a policy that allows it). */
    PARTITION_DROP(false, ObjectKind.TABLE),
    /** A backup of the database (engine and backup type in the parameters); run by the backup capability. */
    BACKUP(true, ObjectKind.NONE),
    /** Verification of a stored backup (object = backup id); run by the backup capability. */
    BACKUP_VERIFY(false, ObjectKind.NONE),
    /** Restore of a backup into a new data directory and port (never over the target unless forced). */
    RESTORE(false, ObjectKind.NONE),
    /** Scheduled restore drill: restore the latest backup to a scratch cluster, check it, measure the RTO, remove it. */
    RESTORE_DRILL(false, ObjectKind.NONE),
    /** Applies pending schema migrations (optionally up to a target version); run by the migration capability. */
    MIGRATE(true, ObjectKind.NONE),
    /** Rolls back the latest applied migrations with their undo scripts; run by the migration capability. */
    MIGRATE_UNDO(true, ObjectKind.NONE);

    /** What the operation's object names. */
    public enum ObjectKind { TABLE, TABLE_OR_DATABASE, INDEX, PID, NONE }

    private final boolean heavy;
    private final ObjectKind objectKind;

    OperationType(boolean heavy, ObjectKind objectKind) {
        this.heavy = heavy;
        this.objectKind = objectKind;
    }

    /** Whether it competes for the one heavy-operation slot per database. */
    public boolean heavy() {
        return heavy;
    }

    /** What its object must be. */
    public ObjectKind objectKind() {
        return objectKind;
    }

    /** Lower-case wire name, e.g. {@code vacuum_freeze}. */
    @JsonValue
    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name; empty when unknown. */
    public static Optional<OperationType> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        return Arrays.stream(values()).filter(t -> t.wire().equals(text.trim().toLowerCase(Locale.ROOT))).findFirst();
    }

    /** All wire names, for error messages. */
    public static String names() {
        return Arrays.stream(values()).map(OperationType::wire).collect(Collectors.joining(", "));
    }
}
