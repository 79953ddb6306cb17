package io.dbautopilot.automation.verify;

import io.dbautopilot.automation.operation.NewOperation;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.operation.OperationType;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

/**
 * The post-operation check of one reversible operation type: measures the target again against the baseline its
 * executor recorded in {@code result.verification}, and says how to undo it when it regressed.
 */
public interface EffectCheck {

    /** The operation type checked; no two checks may claim the same type. */
    OperationType type();

    /** Measures the target (a fresh connection, autocommit) and compares with the recorded baseline. */
    Verdict verify(Connection target, Operation op, Map<String, Object> baseline) throws SQLException;

    /** The rollback operation of a regressed {@code op} (linked by {@code parameters.rollback_of}). */
    NewOperation rollback(Operation op, Map<String, Object> baseline, Verdict verdict, String mode);
}
