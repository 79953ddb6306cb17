package io.dbautopilot.automation.migration;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.automation.state.StateTransactions;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.PreparedStatement;
import java.util.Map;
import java.util.UUID;

/** Appends what this service did to a migration version to {@code automation.migration_event}. */
@ApplicationScoped
public class MigrationJournal {

    private final StateTransactions transactions;
    private final ObjectMapper mapper;

    public MigrationJournal(StateTransactions transactions, ObjectMapper mapper) {
        this.transactions = transactions;
        this.mapper = mapper;
    }

    /** One record: {@code action} apply/undo/backup, {@code outcome} completed/failed/undone. */
    public void record(String databaseId, UUID operationId, String version, String description, String script,
                       String action, String outcome, Integer checksum, String error, Map<String, Object> details) {
        String json;
        try {
            json = mapper.writeValueAsString(details == null ? Map.of() : details);
        } catch (JsonProcessingException e) {
            json = "{}";
        }
        String detailsJson = json;
        transactions.inTransaction(tx -> {
            try (PreparedStatement ps = tx.prepareStatement("""
                    INSERT INTO automation.migration_event (database_id, operation_id, version, description, script, action,
                           outcome, checksum, error, details)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)""")) {
                ps.setString(1, databaseId);
                ps.setObject(2, operationId);
                ps.setString(3, version);
                ps.setString(4, description);
                ps.setString(5, script);
                ps.setString(6, action);
                ps.setString(7, outcome);
                ps.setObject(8, checksum);
                ps.setString(9, error);
                ps.setString(10, detailsJson);
                return ps.executeUpdate();
            }
        });
    }
}
