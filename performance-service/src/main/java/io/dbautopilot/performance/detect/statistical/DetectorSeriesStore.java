package io.dbautopilot.performance.detect.statistical;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** The encoded series histories of the statistical and forecast detectors in {@code performance.detector_series}. */
@ApplicationScoped
public class DetectorSeriesStore {

    private final AgroalDataSource dataSource;

    public DetectorSeriesStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A target's stored histories of one detector, by series key. */
    public Map<String, byte[]> load(String targetId, String detector) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT series_key, history FROM performance.detector_series WHERE target_id = ? AND detector = ?")) {
            st.setString(1, targetId);
            st.setString(2, detector);
            Map<String, byte[]> out = new HashMap<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getBytes(2));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read " + detector + " histories of " + targetId + ": "
                    + e.getMessage(), e);
        }
    }

    /** Writes histories (upsert) in one transaction. */
    public void save(String targetId, String detector, Map<String, byte[]> histories, Instant now) {
        if (histories.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement st = c.prepareStatement("INSERT INTO performance.detector_series "
                    + "(target_id, detector, series_key, history, updated_at) VALUES (?, ?, ?, ?, ?) "
                    + "ON CONFLICT (target_id, detector, series_key) DO UPDATE SET history = EXCLUDED.history, "
                    + "updated_at = EXCLUDED.updated_at")) {
                for (Map.Entry<String, byte[]> e : histories.entrySet()) {
                    st.setString(1, targetId);
                    st.setString(2, detector);
                    st.setString(3, e.getKey());
                    st.setBytes(4, e.getValue());
                    st.setTimestamp(5, Timestamp.from(now));
                    st.addBatch();
                }
                st.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store " + detector + " histories of " + targetId + ": "
                    + e.getMessage(), e);
        }
    }

    /** Deletes histories not updated since {@code before}; returns how many. */
    public int deleteOlderThan(String detector, Instant before) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "DELETE FROM performance.detector_series WHERE detector = ? AND updated_at < ?")) {
            st.setString(1, detector);
            st.setTimestamp(2, Timestamp.from(before));
            return st.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prune " + detector + " histories: " + e.getMessage(), e);
        }
    }

    /** Total bytes of the stored histories of one detector and target (for the README's numbers and tests). */
    public long bytes(String targetId, String detector) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT coalesce(sum(octet_length(history)), 0) FROM performance.detector_series "
                        + "WHERE target_id = ? AND detector = ?")) {
            st.setString(1, targetId);
            st.setString(2, detector);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
