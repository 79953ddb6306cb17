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
    /**
     * {@code OPTIMIZE TABLE} of one InnoDB table (MySQL / MariaDB: an online rebuild); verified by {@code data_free}
     * falling.
     */
    OPTIMIZE(true, ObjectKind.TABLE),
    /** Redis {@code MEMORY PURGE} (jemalloc gives dirty pages back); verified by the fragmentation ratio falling. */
    MEMORY_PURGE(false, ObjectKind.NONE),
    /** SQLite {@code PRAGMA wal_checkpoint(TRUNCATE)}; verified by the write-ahead log file shrinking. */
    CHECKPOINT(false, ObjectKind.NONE),
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
    MIGRATE_UNDO(true, ObjectKind.NONE),
    /**
     * {@code ALTER SYSTEM SET} of one reload-only setting (object) to parameter {@code value} + {@code pg_reload_conf()},
     * between a measured baseline before and after; verified by {@code pg_settings} showing the value, and after the
     * verification window by TPS, statement mean time and temp spill not regressing (else reverted by tune_revert).
     */
    TUNE(true, ObjectKind.SETTING),
    /**
     * Sets a tuned setting (object) back to its value before the tune ({@code ALTER SYSTEM RESET} when it was not in
     * {@code postgresql.auto.conf}) + reload; requested by the verification of a regressed tune, never by a policy.
     */
    TUNE_REVERT(false, ObjectKind.SETTING);

    /** What the operation's object names. */
    public enum ObjectKind { TABLE, TABLE_OR_DATABASE, INDEX, PID, NONE, SETTING }

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

    /**
     * The effect the operation promises, checked when it finishes (the executor's immediate verification) and, for a
     * {@link #reversible()} one, again after the verification window ({@code io.dbautopilot.automation.verify}).
     */
    public String expectedEffect() {
        return switch (this) {
            case VACUUM -> "dead tuples of the table down (SQLite: freelist pages of the file down)";
            case VACUUM_FREEZE -> "transaction ID age of the table (or database) down";
            case ANALYZE -> "last_analyze of the table moved (MySQL / MariaDB: ANALYZE TABLE status OK; SQLite: "
                    + "sqlite_stat1 rows present)";
            case OPTIMIZE -> "data_free of the table down";
            case MEMORY_PURGE -> "mem_fragmentation_ratio down";
            case CHECKPOINT -> "the write-ahead log file truncated";
            case REINDEX -> "index valid, not larger, no invalid _ccnew index left";
            case CREATE_INDEX -> "a valid index; mean time of the statements it was for down, write statements on the "
                    + "table not slower past the threshold";
            case DROP_INDEX -> "the index gone";
            case TERMINATE_IDLE, TERMINATE -> "the sessions gone";
            case CANCEL_QUERY -> "the queries no longer running";
            case PARTITION_CREATE -> "the current and next partitions exist";
            case PARTITION_DETACH, PARTITION_DROP -> "no partition beyond retention attached";
            case BACKUP -> "a backup in the catalog";
            case BACKUP_VERIFY -> "the backup verified";
            case RESTORE, RESTORE_DRILL -> "a restored cluster that answers";
            case MIGRATE -> "the pending migrations applied";
            case MIGRATE_UNDO -> "the latest migrations undone";
            case TUNE -> "pg_settings shows the value after the reload; TPS, statement mean time and temp spill not "
                    + "regressed past the thresholds";
            case TUNE_REVERT -> "pg_settings shows the value from before the tune";
        };
    }

    /** Whether a regression found by the post-operation verification is undone by a rollback operation. */
    public boolean reversible() {
        return this == CREATE_INDEX || this == TUNE;
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
