package io.dbautopilot.support.fleet;

import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Resolves a target's {@code credentials_ref} where it is used: {@code env:NAME} (an environment variable) or
 * {@code file:/path} (the file's content without the trailing newline). The secret never leaves the process: errors
 * name the reference, never its value.
 */
@ApplicationScoped
public class Credentials {

    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String FORMS = "expected env:NAME (an environment variable) or file:/absolute/path";

    private final Function<String, String> environment;

    /** Resolves against this process's environment. */
    public Credentials() {
        this(System::getenv);
    }

    /** Resolves {@code env:} references against {@code environment} (name to value, null when unset). */
    public Credentials(Function<String, String> environment) {
        this.environment = environment;
    }

    /** The secret a reference points to; throws {@link IllegalArgumentException} naming the reference when it cannot. */
    public String resolve(String credentialsRef) {
        Resolution r = resolution(credentialsRef);
        if (r.problem != null) {
            throw new IllegalArgumentException(r.problem);
        }
        return r.secret;
    }

    /** Why a reference cannot be resolved here (bad syntax, unset variable, unreadable file), or empty when it can. */
    public Optional<String> problem(String credentialsRef) {
        return Optional.ofNullable(resolution(credentialsRef).problem);
    }

    private Resolution resolution(String ref) {
        if (ref == null || ref.isBlank()) {
            return Resolution.failed("credentials_ref is empty; " + FORMS);
        }
        if (ref.startsWith("env:")) {
            String name = ref.substring(4);
            if (!ENV_NAME.matcher(name).matches()) {
                return Resolution.failed("credentials_ref '" + ref + "' names no valid environment variable; " + FORMS);
            }
            String value = environment.apply(name);
            if (value == null) {
                return Resolution.failed("credentials_ref '" + ref + "': environment variable " + name
                        + " is not set in this process");
            }
            if (value.isEmpty()) {
                return Resolution.failed("credentials_ref '" + ref + "': environment variable " + name + " is empty");
            }
            return Resolution.ok(value);
        }
        if (ref.startsWith("file:")) {
            String name = ref.substring(5);
            Path path;
            try {
                path = Path.of(name);
            } catch (InvalidPathException e) {
                return Resolution.failed("credentials_ref '" + ref + "' is not a valid path; " + FORMS);
            }
            if (!path.isAbsolute()) {
                return Resolution.failed("credentials_ref '" + ref + "' is not an absolute path; " + FORMS);
            }
            if (!Files.exists(path)) {
                return Resolution.failed("credentials_ref '" + ref + "': file " + path + " does not exist here");
            }
            if (!Files.isRegularFile(path)) {
                return Resolution.failed("credentials_ref '" + ref + "': " + path + " is not a regular file");
            }
            if (!Files.isReadable(path)) {
                return Resolution.failed("credentials_ref '" + ref + "': file " + path
                        + " is not readable by this process");
            }
            String value;
            try {
                value = Files.readString(path, StandardCharsets.UTF_8);
            } catch (IOException e) {
                // The exception's message names the file only; never its content.
                return Resolution.failed("credentials_ref '" + ref + "': file " + path + " cannot be read ("
                        + e.getClass().getSimpleName() + ")");
            }
            value = stripTrailingNewline(value);
            if (value.isEmpty()) {
                return Resolution.failed("credentials_ref '" + ref + "': file " + path + " is empty");
            }
            return Resolution.ok(value);
        }
        // Not echoed: a value of unknown form may be a pasted secret.
        return Resolution.failed("credentials_ref has an unknown form (not shown: it may be a secret); " + FORMS);
    }

    private static String stripTrailingNewline(String s) {
        if (s.endsWith("\r\n")) {
            return s.substring(0, s.length() - 2);
        }
        if (s.endsWith("\n")) {
            return s.substring(0, s.length() - 1);
        }
        return s;
    }

    private record Resolution(String secret, String problem) {
        static Resolution ok(String secret) {
            return new Resolution(secret, null);
        }

        static Resolution failed(String problem) {
            return new Resolution(null, problem);
        }
    }
}
