package io.dbautopilot.automation.backup.engine;

import java.util.List;
import java.util.stream.Collectors;

/** The {@code archive_command} PostgreSQL hands to {@code /bin/sh}: every word single-quoted, {@code %} doubled. */
public final class ArchiveCommand {

    private ArchiveCommand() {
    }

    /** {@code '<pgbackrest>' '--config=<file>' '--stanza=<stanza>' 'archive-push' %p}. */
    public static String pgbackrestPush(String pgbackrest, String configFile, String stanza) {
        return words(List.of(pgbackrest, "--config=" + configFile, "--stanza=" + stanza, "archive-push")) + " %p";
    }

    /** Words quoted for a POSIX shell and escaped for PostgreSQL's {@code %} placeholders. */
    static String words(List<String> words) {
        return words.stream().map(ArchiveCommand::quote).collect(Collectors.joining(" "));
    }

    /** One word in single quotes ({@code '} as {@code '\''}), with {@code %} as {@code %%}. */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''").replace("%", "%%") + "'";
    }
}
