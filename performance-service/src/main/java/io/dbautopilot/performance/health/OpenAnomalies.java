package io.dbautopilot.performance.health;

import io.agroal.api.AgroalDataSource;
import io.dbautopilot.model.Severity;
import io.dbautopilot.support.health.HealthContribution;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Open anomalies of the fleet by severity, on {@code /health}: one grouped query of the state database per refresh. */
@ApplicationScoped
public class OpenAnomalies implements HealthContribution {

    private final AgroalDataSource dataSource;

    public OpenAnomalies(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Optional<Map<String, Long>> openAnomalies() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (Severity s : Severity.values()) {
            counts.put(s.wire(), 0L);
        }
        try (Connection c = dataSource.getConnection(); PreparedStatement st = c.prepareStatement(
                "SELECT severity, count(*) FROM performance.anomaly WHERE status = 'open' GROUP BY severity");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                counts.put(rs.getString(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot count open anomalies: " + e.getMessage(), e);
        }
        return Optional.of(counts);
    }
}
