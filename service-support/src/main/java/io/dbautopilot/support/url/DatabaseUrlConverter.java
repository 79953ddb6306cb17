package io.dbautopilot.support.url;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * Lets every {@code @ConfigMapping} declare {@link DatabaseUrl} settings: a bad URL fails at config load naming the
 * setting. The failure is not an {@link IllegalArgumentException} on purpose: SmallRye Config quotes the raw value
 * in the message it wraps those in, and a URL with a password inside must not be printed.
 */
public class DatabaseUrlConverter implements Converter<DatabaseUrl> {

    @Override
    public DatabaseUrl convert(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return DatabaseUrl.parse(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidDatabaseUrlException(e.getMessage());
        }
    }

    /** A database URL that cannot be used; the message never quotes the URL. */
    public static final class InvalidDatabaseUrlException extends RuntimeException {
        InvalidDatabaseUrlException(String message) {
            super(message, null, false, false);
        }
    }
}
