package io.dbautopilot.performance.detect.suppression;

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
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Silences in {@code performance.silence}. */
@ApplicationScoped
public class SilenceStore {

    private static final ObjectMapper JSON = EventJson.newMapper();
    private static final TypeReference<Map<String, String>> MATCHERS = new TypeReference<>() {
    };

    private final AgroalDataSource dataSource;

    public SilenceStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Silences active at {@code now} (or all, expired ones too), newest first. */
    public List<Silence> list(Instant now, boolean includeExpired) {
        String sql = "SELECT id, matchers, comment, created_by, created_at, expires_at FROM performance.silence"
                + (includeExpired ? "" : " WHERE expires_at > ?") + " ORDER BY created_at DESC";
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(sql)) {
            if (!includeExpired) {
                st.setTimestamp(1, Timestamp.from(now));
            }
            List<Silence> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new Silence(rs.getString(1), JSON.readValue(rs.getString(2), MATCHERS), rs.getString(3),
                            rs.getString(4), rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant()));
                }
            }
            return out;
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot read silences: " + e.getMessage(), e);
        }
    }

    /** Stores a new silence. */
    public Silence create(Map<String, String> matchers, String comment, String createdBy, Instant now, Instant expiresAt) {
        Silence s = new Silence(UUID.randomUUID().toString(), Map.copyOf(matchers), comment, createdBy, now, expiresAt);
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "INSERT INTO performance.silence (id, matchers, comment, created_by, created_at, expires_at) "
                        + "VALUES (?::uuid, ?::jsonb, ?, ?, ?, ?)")) {
            st.setString(1, s.id());
            st.setString(2, JSON.writeValueAsString(s.matchers()));
            st.setString(3, comment);
            st.setString(4, createdBy);
            st.setTimestamp(5, Timestamp.from(now));
            st.setTimestamp(6, Timestamp.from(expiresAt));
            st.executeUpdate();
            return s;
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot store silence: " + e.getMessage(), e);
        }
    }

    /** Deletes a silence; false if there was none. */
    public boolean delete(String id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "DELETE FROM performance.silence WHERE id = ?::uuid")) {
            st.setString(1, id);
            return st.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete silence: " + e.getMessage(), e);
        }
    }
}
