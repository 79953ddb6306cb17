package io.dbautopilot.performance.advise.security;

import io.dbautopilot.model.MetricPoint;
import io.dbautopilot.performance.advise.AdviceTarget;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The security advisor's view of the collector's security family: absent until it ran, then its values as facts. */
class SecurityFactsTest {

    private static AdviceTarget collected(List<MetricPoint> points) {
        return new AdviceTarget(null, null, points, "postgres");
    }

    private static List<MetricPoint> family(boolean hbaReadable, boolean authidReadable) {
        List<MetricPoint> p = new ArrayList<>();
        p.add(MetricPoint.of("pg_security_superusers", 3));
        p.add(MetricPoint.of("pg_security_ssl_enabled", 0));
        p.add(MetricPoint.of("pg_security_password_encryption_md5", 1));
        p.add(MetricPoint.of("pg_security_hba_readable", hbaReadable ? 1 : 0));
        p.add(MetricPoint.of("pg_security_authid_readable", authidReadable ? 1 : 0));
        if (hbaReadable) {
            p.add(MetricPoint.of("pg_security_hba_trust_rules", 2));
            p.add(MetricPoint.of("pg_security_hba_password_rules", 1));
            p.add(MetricPoint.of("pg_security_hba_md5_rules", 4));
        }
        if (authidReadable) {
            p.add(MetricPoint.of("pg_security_md5_password_roles", 5));
        }
        return p;
    }

    @Test
    void nothingIsKnownBeforeTheFamilyRan() {
        assertTrue(SecurityFacts.of(collected(List.of(MetricPoint.of("pg_settings_work_mem_bytes", 4194304))))
                .isEmpty());
    }

    @Test
    void readsTheCollectedSettingsAndCounts() {
        SecurityFacts f = SecurityFacts.of(collected(family(true, true))).orElseThrow();
        assertFalse(f.ssl());
        assertTrue(f.md5Encryption());
        assertTrue(f.hbaReadable());
        assertTrue(f.authidReadable());
        assertEquals(3, f.superusers());
        assertEquals(3, f.hbaTrustOrPasswordLines(), "trust and password lines, not md5 ones");
        assertEquals(5, f.md5Roles());
    }

    @Test
    void whatTheRoleMayNotReadCountsNothing() {
        SecurityFacts f = SecurityFacts.of(collected(family(false, false))).orElseThrow();
        assertFalse(f.hbaReadable());
        assertFalse(f.authidReadable());
        assertEquals(0, f.hbaTrustOrPasswordLines());
        assertEquals(0, f.md5Roles());
    }
}
