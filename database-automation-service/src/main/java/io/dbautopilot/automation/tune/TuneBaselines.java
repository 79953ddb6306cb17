package io.dbautopilot.automation.tune;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dbautopilot.automation.operation.Operation;
import io.dbautopilot.automation.state.StateTransactions;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Named tune baselines in {@code automation.tune_baseline}, written in their own transaction. */
@ApplicationScoped
public class TuneBaselines {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final StateTransactions transactions;
    private final ObjectMapper mapper;

    public TuneBaselines(StateTransactions transactions, ObjectMapper mapper) {
        this.transactions = transactions;
        this.mapper = mapper;
    }

    /** Records (or, for a repeated verification, replaces) the tune's baseline of {@code phase}; returns it. */
    public TuneBaseline record(Operation tune, String phase, Map<String, Object> figures) {
        String name = TuneBaseline.name(tune.object(), tune.id(), phase);
        String json;
        try {
            json = mapper.writeValueAsString(figures);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return transactions.inTransaction(tx -> {
            try (PreparedStatement ps = tx.prepareStatement("""
                    INSERT INTO automation.tune_baseline (target_id, name, operation_id, phase, figures)
                    VALUES (?, ?, ?, ?, ?::jsonb)
                    ON CONFLICT (target_id, name) DO UPDATE SET figures = excluded.figures, captured_at = now()
                    RETURNING *""")) {
                ps.setString(1, tune.targetId());
                ps.setString(2, name);
                ps.setObject(3, tune.id());
                ps.setString(4, phase);
                ps.setString(5, json);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return map(rs);
                }
            }
        });
    }

    /** A target's tune baselines, newest first; {@code name} narrows to one. */
    public List<TuneBaseline> list(String target, String name, int limit) {
        return transactions.inTransaction(tx -> {
            try (PreparedStatement ps = tx.prepareStatement("""
                    SELECT * FROM automation.tune_baseline WHERE target_id = ? AND (?::text IS NULL OR name = ?)
                     ORDER BY captured_at DESC, name LIMIT ?""")) {
                ps.setString(1, target);
                ps.setString(2, name);
                ps.setString(3, name);
                ps.setInt(4, limit);
                List<TuneBaseline> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(map(rs));
                    }
                }
                return out;
            }
        });
    }

    private TuneBaseline map(ResultSet rs) throws SQLException {
        try {
            return new TuneBaseline(rs.getString("target_id"), rs.getString("name"),
                    rs.getObject("operation_id", UUID.class), rs.getString("phase"),
                    rs.getTimestamp("captured_at").toInstant(), mapper.readValue(rs.getString("figures"), MAP));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
