package io.dbautopilot.performance.advise.security;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.model.Risk;
import io.dbautopilot.performance.advise.AdviceConfig;
import io.dbautopilot.performance.advise.AdviceTarget;
import io.dbautopilot.performance.advise.Advisor;
import io.dbautopilot.performance.advise.AdvisorResult;
import io.dbautopilot.performance.advise.Finding;
import jakarta.enterprise.context.ApplicationScoped;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Security: pg_hba lines with {@code trust} or cleartext {@code password}, too many login superusers, ssl off, MD5
 * password encryption (and roles still holding MD5 hashes); and schemas where every role may CREATE. It reads what
 * the collector's {@code security} family already gathered (ssl, password_encryption, whether pg_hba_file_rules and
 * pg_authid are readable, and how many superusers, trust / password lines and MD5 roles there are) and the
 * {@code schema_security} family per database. It queries the target's main database only for what the collector
 * counts but does not name - the superusers' names, the pg_hba lines and the MD5 roles - and only when the collected
 * count says there is something to name. What the monitoring role cannot read is reported as a problem, never
 * guessed; until the security family has been collected the cluster-wide checks are not examined.
 */
@ApplicationScoped
public class SecurityAdvisor implements Advisor {

    /** Kind of every security finding; the object says which. */
    public static final String KIND = "security";

    private static final String SUPERUSERS =
            "SELECT array(SELECT rolname::text FROM pg_roles WHERE rolsuper AND rolcanlogin ORDER BY rolname)";

    private static final String HBA = """
            SELECT line_number, type, array_to_string(database, ','), array_to_string(user_name, ','),
                   coalesce(address, ''), auth_method
              FROM pg_hba_file_rules WHERE error IS NULL AND auth_method IN ('trust', 'password') ORDER BY line_number""";

    private static final String MD5_ROLES =
            "SELECT array(SELECT rolname::text FROM pg_authid WHERE rolpassword LIKE 'md5%' ORDER BY rolname)";

    private final AdviceConfig.Security config;

    public SecurityAdvisor(AdviceConfig config) {
        this.config = config.security();
    }

    @Override
    public String name() {
        return KIND;
    }

    @Override
    public AdvisorResult advise(AdviceTarget target) {
        AdvisorResult result = new AdvisorResult();
        Optional<SecurityFacts> facts = SecurityFacts.of(target);
        if (facts.isEmpty()) {
            result.problem(null, "the security family has not been collected yet");
        } else {
            try {
                server(target, facts.get(), result);
            } catch (SQLException e) {
                result.problem(null, e.getMessage());
            }
        }
        schemas(target, result);
        return result;
    }

    private void server(AdviceTarget target, SecurityFacts facts, AdvisorResult result) throws SQLException {
        String targetId = target.id();
        if (!facts.ssl()) {
            result.add(finding(targetId, "ssl", Map.of("ssl", "off"),
                    "ALTER SYSTEM SET ssl = on (after placing ssl_cert_file and ssl_key_file); SELECT pg_reload_conf()",
                    "passwords and data no longer cross the network in clear text", Risk.MEDIUM,
                    "ssl is off: connections are not encrypted"));
        }
        if (facts.md5Encryption()) {
            result.add(finding(targetId, "password_encryption", Map.of("password_encryption", "md5"),
                    "ALTER SYSTEM SET password_encryption = 'scram-sha-256'; SELECT pg_reload_conf() (then reset "
                            + "each role's password)", "SCRAM hashes resist replay and offline cracking; MD5 does not",
                    Risk.MEDIUM, "password_encryption is md5"));
        }
        if (facts.superusers() > config.maxSuperusers()) {
            List<String> superusers = names(target, SUPERUSERS);
            if (superusers.size() > config.maxSuperusers()) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("superusers", superusers);
                e.put("count", superusers.size());
                e.put("max_superusers", config.maxSuperusers());
                result.add(finding(targetId, "superusers", e, "review the roles and ALTER ROLE <name> NOSUPERUSER "
                                + "where a narrower role (pg_monitor, pg_read_all_data, ownership) suffices",
                        "fewer roles that can bypass every permission check", Risk.HIGH,
                        superusers.size() + " login roles are superusers (more than " + config.maxSuperusers() + ")"));
            }
        }
        if (facts.hbaReadable()) {
            if (facts.hbaTrustOrPasswordLines() > 0) {
                hba(target, result);
            }
        } else {
            result.problem(null, "the monitoring role may not read pg_hba_file_rules (grant EXECUTE on "
                    + "pg_hba_file_rules() or use a superuser): pg_hba is not examined");
        }
        if (facts.authidReadable() && facts.md5Roles() > 0) {
            List<String> roles = names(target, MD5_ROLES);
            if (!roles.isEmpty()) {
                result.add(finding(targetId, "md5_passwords", Map.of("roles", roles, "count", roles.size()),
                        "with password_encryption = 'scram-sha-256', set each listed role's password again "
                                + "(ALTER ROLE <name> PASSWORD ...)", "SCRAM hashes instead of MD5 ones",
                        Risk.MEDIUM, roles.size() + " role(s) still have MD5 password hashes"));
            }
        }
        if (facts.hbaReadable()) {
            result.examined(null);
        }
    }

    /** The trust and cleartext-password lines of pg_hba (the collector only counts them). */
    private void hba(AdviceTarget target, AdvisorResult result) throws SQLException {
        List<Map<String, Object>> trust = new ArrayList<>();
        List<Map<String, Object>> password = new ArrayList<>();
        target.inDatabase(target.mainDatabase(), c -> {
            try (PreparedStatement ps = c.prepareStatement(HBA); ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Object> line = new LinkedHashMap<>();
                    line.put("line_number", rs.getInt(1));
                    line.put("type", rs.getString(2));
                    line.put("database", rs.getString(3));
                    line.put("user_name", rs.getString(4));
                    line.put("address", rs.getString(5));
                    ("trust".equals(rs.getString(6)) ? trust : password).add(line);
                }
            }
            return null;
        });
        String targetId = target.id();
        if (!trust.isEmpty()) {
            result.add(finding(targetId, "pg_hba:trust", Map.of("lines", trust, "count", trust.size()),
                    "replace 'trust' with 'scram-sha-256' (or 'peer' for local socket lines) on pg_hba.conf lines "
                            + lineNumbers(trust) + ", then SELECT pg_reload_conf()",
                    "no connection without a password", Risk.HIGH,
                    trust.size() + " pg_hba.conf line(s) let clients in without any password (trust)"));
        }
        if (!password.isEmpty()) {
            result.add(finding(targetId, "pg_hba:password", Map.of("lines", password, "count", password.size()),
                    "replace 'password' with 'scram-sha-256' on pg_hba.conf lines " + lineNumbers(password)
                            + ", then SELECT pg_reload_conf()",
                    "passwords are no longer sent in clear text", Risk.HIGH,
                    password.size() + " pg_hba.conf line(s) accept cleartext passwords"));
        }
    }

    /** The names a one-array query returns, read on the main database (the collector only counts them). */
    private static List<String> names(AdviceTarget target, String sql) throws SQLException {
        return target.inDatabase(target.mainDatabase(), c -> {
            try (PreparedStatement ps = c.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return List.of((String[]) rs.getArray(1).getArray());
            }
        });
    }

    /** Schemas every role may CREATE in, per database, from the collector's schema_security family. */
    private void schemas(AdviceTarget target, AdvisorResult result) {
        for (MetricPoint count : target.points("pg_security_public_create_schemas")) {
            String database = count.labels().get("datname");
            if (database == null) {
                continue;
            }
            for (MetricPoint p : target.points("pg_security_public_create_schema")) {
                if (!database.equals(p.labels().get("datname"))) {
                    continue;
                }
                String schema = p.labels().get("schemaname");
                String quoted = "\"" + schema.replace("\"", "\"\"") + "\"";
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("schema", schema);
                e.put("grantee", "PUBLIC");
                e.put("privilege", "CREATE");
                result.add(new Finding(name(), target.id(), database, database + "." + schema, KIND, "schema_create", e,
                        "REVOKE CREATE ON SCHEMA " + quoted + " FROM PUBLIC",
                        "no role can plant objects (functions, operators) that other roles' queries pick up",
                        Risk.MEDIUM, true, "Every role may CREATE objects in schema " + schema + " of database "
                        + database + " (CVE-2018-1058 pattern)"));
            }
            result.examined(database);
        }
    }

    private Finding finding(String targetId, String object, Map<String, Object> evidence, String action, String benefit,
                            Risk risk, String summary) {
        return new Finding(name(), targetId, null, object, KIND, "", evidence, action, benefit, risk, true, summary);
    }

    private static String lineNumbers(List<Map<String, Object>> lines) {
        return String.join(", ", lines.stream().map(l -> String.valueOf(l.get("line_number"))).toList());
    }
}
