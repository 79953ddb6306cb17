package io.dbautopilot.support.fleet;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;

/**
 * Resolves a target's {@code credentials_ref} where it is used: {@code env:NAME} (an environment variable) or
 * {@code file:/path} (the file's content without the trailing newline). The secret never leaves the process: errors
 * name the reference, never its value.
 */
@ApplicationScoped
public class Credentials {

    /** The secret a reference points to; throws {@link IllegalArgumentException} naming the reference when it cannot. */
    public String resolve(String credentialsRef) {
        throw new UnsupportedOperationException("Credentials: implemented on branch registry");
    }

    /** Why a reference cannot be resolved here (bad syntax, unset variable, unreadable file), or empty when it can. */
    public Optional<String> problem(String credentialsRef) {
        throw new UnsupportedOperationException("Credentials: implemented on branch registry");
    }
}
