package io.dbautopilot.performance.advise.security;

import io.dbautopilot.performance.advise.AdviceTarget;

import java.util.Optional;

/**
 * What the collector's {@code security} family last read of a target, as the security advisor needs it: the
 * settings that need no names, whether the monitoring role may read pg_hba_file_rules and pg_authid, and how many
 * superusers, trust or cleartext-password pg_hba lines and MD5 roles there are.
 *
 * @param ssl                      whether {@code ssl} is on
 * @param md5Encryption            whether {@code password_encryption} is md5
 * @param hbaReadable              whether pg_hba_file_rules may be read
 * @param authidReadable           whether pg_authid may be read
 * @param superusers               login superusers
 * @param hbaTrustOrPasswordLines  pg_hba lines with trust or password (0 when not readable)
 * @param md5Roles                 roles holding MD5 hashes (0 when not readable)
 */
record SecurityFacts(boolean ssl, boolean md5Encryption, boolean hbaReadable, boolean authidReadable,
                     double superusers, double hbaTrustOrPasswordLines, double md5Roles) {

    /** The facts from the target's latest collected values; empty until the security family has run. */
    static Optional<SecurityFacts> of(AdviceTarget target) {
        Optional<Double> ssl = target.value("pg_security_ssl_enabled");
        Optional<Double> md5 = target.value("pg_security_password_encryption_md5");
        Optional<Double> hba = target.value("pg_security_hba_readable");
        Optional<Double> authid = target.value("pg_security_authid_readable");
        Optional<Double> superusers = target.value("pg_security_superusers");
        if (ssl.isEmpty() || md5.isEmpty() || hba.isEmpty() || authid.isEmpty() || superusers.isEmpty()) {
            return Optional.empty();
        }
        double lines = target.value("pg_security_hba_trust_rules").orElse(0.0)
                + target.value("pg_security_hba_password_rules").orElse(0.0);
        return Optional.of(new SecurityFacts(ssl.get() == 1, md5.get() == 1, hba.get() == 1, authid.get() == 1,
                superusers.get(), lines, target.value("pg_security_md5_password_roles").orElse(0.0)));
    }
}
