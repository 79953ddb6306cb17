package io.dbautopilot.performance.engine;

/**
 * The outcome of a {@code ?check=true}: whether the server answered, with its version.
 *
 * @param ok            whether the server answered
 * @param serverVersion its version text when it did (e.g. {@code 16.4}, {@code 10.11.6-MariaDB-0+deb12u1})
 * @param error         the error message when it did not (no stack, no secret)
 * @param field         the definition field the error points at ({@code url} or {@code credentials_ref})
 */
public record ServerCheck(boolean ok, String serverVersion, String error, String field) {
}
