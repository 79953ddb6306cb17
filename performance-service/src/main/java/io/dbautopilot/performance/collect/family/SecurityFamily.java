package io.dbautopilot.performance.collect.family;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.collect.CollectionContext;
import io.dbautopilot.performance.collect.FamilyScope;
import io.dbautopilot.performance.collect.MetricFamily;
import io.dbautopilot.performance.collect.PointsBuilder;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code security} family: superuser roles, ssl, password_encryption and, where the monitoring role may read
 * them (pg_hba_file_rules, pg_authid), pg_hba rules by method (trust and cleartext password counted apart) and
 * roles still holding MD5 passwords. What the role cannot read is reported as not readable, not guessed.
 */
@ApplicationScoped
public class SecurityFamily implements MetricFamily {

    static final String FACTS = """
            SELECT (SELECT count(*) FROM pg_roles WHERE rolsuper AND rolcanlogin) AS superusers,
                   current_setting('ssl') = 'on' AS ssl,
                   current_setting('password_encryption') = 'md5' AS md5_encryption,
                   has_function_privilege('pg_hba_file_rules()', 'EXECUTE') AS can_read_hba,
                   has_table_privilege('pg_authid', 'SELECT') AS can_read_authid""";

    static final String HBA = """
            SELECT coalesce(type, '') AS type, coalesce(auth_method, '') AS auth_method,
                   count(*) AS n, count(*) FILTER (WHERE error IS NOT NULL) AS errors
              FROM pg_hba_file_rules GROUP BY 1, 2""";

    static final String MD5_ROLES = "SELECT count(*) AS n FROM pg_authid WHERE rolpassword LIKE 'md5%'";

    @Override
    public String name() {
        return "security";
    }

    @Override
    public FamilyScope scope() {
        return FamilyScope.SERVER;
    }

    @Override
    public Duration defaultInterval() {
        return Duration.ofHours(1);
    }

    @Override
    public Uni<List<MetricPoint>> collect(CollectionContext context, SqlClient client) {
        PointsBuilder points = new PointsBuilder().unmeasured(); // spans several queries
        return client.query(FACTS).execute().chain(rows -> {
            Row f = rows.iterator().next();
            points.add("pg_security_superusers", f.getValue("superusers"));
            points.add("pg_security_ssl_enabled", f.getBoolean("ssl"));
            points.add("pg_security_password_encryption_md5", f.getBoolean("md5_encryption"));
            boolean hba = f.getBoolean("can_read_hba");
            boolean authid = f.getBoolean("can_read_authid");
            points.add("pg_security_hba_readable", hba);
            points.add("pg_security_authid_readable", authid);
            Uni<Void> chain = Uni.createFrom().voidItem();
            if (hba) {
                chain = chain.chain(() -> client.query(HBA).execute().invoke(rules -> {
                    Map<String, Double> byMethod = new LinkedHashMap<>();
                    double errors = 0;
                    for (Row r : rules) {
                        points.add("pg_hba_rules", r.getValue("n"), "type", r.getString("type"),
                                "auth_method", r.getString("auth_method"));
                        byMethod.merge(r.getString("auth_method"), ((Number) r.getValue("n")).doubleValue(), Double::sum);
                        errors += ((Number) r.getValue("errors")).doubleValue();
                    }
                    points.add("pg_security_hba_trust_rules", byMethod.getOrDefault("trust", 0.0));
                    points.add("pg_security_hba_password_rules", byMethod.getOrDefault("password", 0.0));
                    points.add("pg_security_hba_md5_rules", byMethod.getOrDefault("md5", 0.0));
                    points.add("pg_security_hba_errors", errors);
                }).replaceWithVoid());
            }
            if (authid) {
                chain = chain.chain(() -> client.query(MD5_ROLES).execute()
                        .invoke(r -> points.add("pg_security_md5_password_roles", r.iterator().next().getValue("n")))
                        .replaceWithVoid());
            }
            return chain.map(v -> points.build());
        });
    }
}
