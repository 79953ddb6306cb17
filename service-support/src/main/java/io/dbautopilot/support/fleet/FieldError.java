package io.dbautopilot.support.fleet;

/**
 * One thing wrong with a target definition, named by its JSON field path so an API caller or a file's author can fix it.
 *
 * @param field   JSON path of the offending field, e.g. {@code url}, {@code automation.maintenance_windows[1]}
 * @param message what is wrong and what is expected; never contains a secret
 */
public record FieldError(String field, String message) {
}
