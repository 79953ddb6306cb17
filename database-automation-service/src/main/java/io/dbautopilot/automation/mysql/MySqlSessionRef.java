package io.dbautopilot.automation.mysql;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One MySQL / MariaDB session an anomaly was about, as its object names it ({@code <id>.<started>.<user>}: the
 * processlist id, the start of its statement or transaction in epoch seconds, its user), and as an operation's
 * {@code sessions} parameter carries it to the KILL that re-checks it.
 *
 * @param id      processlist id ({@code CONNECTION_ID()})
 * @param started start of the statement (running query) or of the transaction (sleeping session), epoch seconds
 * @param user    the session's user
 */
public record MySqlSessionRef(long id, long started, String user) {

    /** Operation parameter holding the sessions an operation is bound to. */
    public static final String PARAMETER = "sessions";

    /** Id and start are digits; the user is the rest (MySQL user names may contain dots), at most 80 characters. */
    private static final Pattern OBJECT = Pattern.compile("(\\d{1,19})\\.(\\d{1,12})\\.([^\\u0000-\\u001f`'\"\\\\]{1,80})");

    /** The session an anomaly's object names; empty when it is not {@code <id>.<started>.<user>}. */
    public static Optional<MySqlSessionRef> parse(String object) {
        if (object == null) {
            return Optional.empty();
        }
        Matcher m = OBJECT.matcher(object);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new MySqlSessionRef(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), m.group(3)));
        } catch (NumberFormatException tooLarge) {
            return Optional.empty();
        }
    }

    /** The sessions of an operation's {@code sessions} parameter; empty when absent; an invalid entry fails. */
    public static List<MySqlSessionRef> of(Map<String, Object> parameters) {
        if (parameters == null || !(parameters.get(PARAMETER) instanceof List<?> list)) {
            return List.of();
        }
        return list.stream().map(e -> {
            if (e instanceof Map<?, ?> m && m.get("id") instanceof Number id && m.get("started") instanceof Number started
                    && m.get("user") instanceof String user) {
                return new MySqlSessionRef(id.longValue(), started.longValue(), user);
            }
            throw new IllegalArgumentException("parameter sessions holds an entry that is not {id, started, user}: " + e);
        }).toList();
    }

    /** As an entry of the {@code sessions} parameter. */
    public Map<String, Object> toParameter() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("started", started);
        m.put("user", user);
        return m;
    }
}
