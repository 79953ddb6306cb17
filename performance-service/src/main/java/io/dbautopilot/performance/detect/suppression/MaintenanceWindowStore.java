package io.dbautopilot.performance.detect.suppression;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;

/** Maintenance windows created through the API, in {@code performance.maintenance_window}. */
@ApplicationScoped
public class MaintenanceWindowStore {

    private final AgroalDataSource dataSource;

    public MaintenanceWindowStore(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Every stored window, oldest first. */
    public List<MaintenanceWindow> list() {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT id, name, target_id, rule, cron, duration, time_zone, comment, created_by, created_at "
                        + "FROM performance.maintenance_window ORDER BY created_at, id")) {
            List<MaintenanceWindow> out = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    out.add(new MaintenanceWindow(rs.getString(1), rs.getString(2), "api", rs.getString(3),
                            rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getString(9), rs.getTimestamp(10).toInstant()));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read maintenance windows: " + e.getMessage(), e);
        }
    }

    /** Stores a window (its id a UUID). */
    public MaintenanceWindow create(MaintenanceWindow w) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "INSERT INTO performance.maintenance_window (id, name, target_id, rule, cron, duration, time_zone, "
                        + "comment, created_by, created_at) VALUES (?::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            st.setString(1, w.id());
            st.setString(2, w.name());
            st.setString(3, w.targetId());
            st.setString(4, w.rule());
            st.setString(5, w.cron());
            st.setString(6, w.duration());
            st.setString(7, w.timeZone());
            st.setString(8, w.comment());
            st.setString(9, w.createdBy());
            st.setTimestamp(10, Timestamp.from(w.createdAt()));
            st.executeUpdate();
            return w;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store maintenance window: " + e.getMessage(), e);
        }
    }

    /** Deletes a window; false if there was none. */
    public boolean delete(String id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "DELETE FROM performance.maintenance_window WHERE id = ?::uuid")) {
            st.setString(1, id);
            return st.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot delete maintenance window: " + e.getMessage(), e);
        }
    }
}
