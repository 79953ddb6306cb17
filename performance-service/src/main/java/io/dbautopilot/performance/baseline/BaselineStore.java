package io.dbautopilot.performance.baseline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import io.dbautopilot.model.EventJson;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Named baselines in {@code performance.baseline}, the newest {@code autopilot.baselines.keep} per target. */
@ApplicationScoped
public class BaselineStore {

    private static final ObjectMapper JSON = EventJson.newMapper();
    private static final TypeReference<LinkedHashMap<String, Double>> FIGURES = new TypeReference<>() {
    };
    private static final TypeReference<LinkedHashMap<String, Instant>> TIMES = new TypeReference<>() {
    };
    private static final String COLUMNS = "target_id, name, captured_at, snapshot_at, captured_by, comment, figures, figures_at";

    private final AgroalDataSource dataSource;
    private final BaselinesConfig config;

    public BaselineStore(AgroalDataSource dataSource, BaselinesConfig config) {
        if (config.keep() < 1) {
            throw new IllegalArgumentException("autopilot.baselines.keep must be at least 1, was " + config.keep());
        }
        this.dataSource = dataSource;
        this.config = config;
    }

    /**
     * Stores a baseline and deletes the target's baselines beyond the newest {@code keep}, in one transaction.
     *
     * @return false if the target already has a baseline of that name (nothing stored)
     */
    public boolean insert(Baseline b) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                int inserted;
                try (PreparedStatement st = c.prepareStatement("INSERT INTO performance.baseline (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb) ON CONFLICT (target_id, name) DO NOTHING")) {
                    st.setString(1, b.target());
                    st.setString(2, b.name());
                    st.setTimestamp(3, Timestamp.from(b.capturedAt()));
                    st.setTimestamp(4, Timestamp.from(b.snapshotAt()));
                    st.setString(5, b.capturedBy());
                    st.setString(6, b.comment());
                    st.setString(7, JSON.writeValueAsString(b.figures()));
                    st.setString(8, JSON.writeValueAsString(b.figuresAt()));
                    inserted = st.executeUpdate();
                }
                try (PreparedStatement st = c.prepareStatement("""
                        DELETE FROM performance.baseline WHERE target_id = ? AND name NOT IN (
                            SELECT name FROM performance.baseline WHERE target_id = ?
                             ORDER BY captured_at DESC, name LIMIT ?)""")) {
                    st.setString(1, b.target());
                    st.setString(2, b.target());
                    st.setInt(3, config.keep());
                    st.executeUpdate();
                }
                c.commit();
                return inserted == 1;
            } catch (SQLException | JsonProcessingException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot store baseline: " + e.getMessage(), e);
        }
    }

    /** The target's baselines, newest first. */
    public List<Baseline> list(String target) {
        return query("SELECT " + COLUMNS + " FROM performance.baseline WHERE target_id = ? ORDER BY captured_at DESC, name",
                target);
    }

    /** One baseline. */
    public Optional<Baseline> get(String target, String name) {
        return query("SELECT " + COLUMNS + " FROM performance.baseline WHERE target_id = ? AND name = ?", target, name)
                .stream().findFirst();
    }

    private List<Baseline> query(String sql, String... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                st.setString(i + 1, args[i]);
            }
            List<Baseline> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    Map<String, Double> figures = JSON.readValue(rs.getString(7), FIGURES);
                    out.add(new Baseline(rs.getString(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                            rs.getTimestamp(4).toInstant(), rs.getString(5), rs.getString(6), figures,
                            JSON.readValue(rs.getString(8), TIMES)));
                }
            }
            return out;
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot read baselines: " + e.getMessage(), e);
        }
    }
}
