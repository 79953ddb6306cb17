package io.dbautopilot.automation.policy;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** Where the policy comes from. */
@ConfigMapping(prefix = "autopilot.policy")
public interface PolicyConfig {

    /**
     * Policy YAML file (env: {@code AUTOPILOT_POLICY_FILE}); a path on disk or {@code classpath:<resource>}.
     * Unset: the built-in default policy ({@code classpath:policy/default-policy.yaml}).
     */
    Optional<String> file();
}
