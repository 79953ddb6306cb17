package io.dbautopilot.automation.intake;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import java.sql.SQLException;

/** A well-formed record whose state-database write fails deterministically; its message is the dead-letter reason. */
public class RejectedEventException extends RuntimeException {

    private static final int MAX_REASON = 300;

    private RejectedEventException(String message) {
        super(message, null, false, false);
    }

    /**
     * The reason for a failure: the SQLSTATE and the server's primary message (never the statement, its parameters or
     * the error's detail, which may quote the data), or the exception's type when it is not an SQL error. Carries no
     * cause, so the dead-letter headers hold nothing more.
     */
    static RejectedEventException of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.dbautopilot.support.events.MalformedEventException malformed) {
                // a well-formed record whose content this service refuses (e.g. a hostile object name)
                return new RejectedEventException(malformed.getMessage());
            }
            if (t instanceof SQLException sql) {
                String message = sql.getMessage();
                if (sql instanceof PSQLException psql) {
                    ServerErrorMessage server = psql.getServerErrorMessage();
                    message = server != null && server.getMessage() != null ? server.getMessage() : message;
                }
                message = message == null ? "" : message.lines().findFirst().orElse("");
                if (message.length() > MAX_REASON) {
                    message = message.substring(0, MAX_REASON) + "...";
                }
                return new RejectedEventException("state database rejected the event (SQLSTATE " + sql.getSQLState()
                        + ", " + sqlClass(sql.getSQLState()) + "): " + message);
            }
        }
        return new RejectedEventException("event could not be recorded: " + failure.getClass().getName());
    }

    private static String sqlClass(String state) {
        if (state == null || state.length() < 2) {
            return "no SQLSTATE";
        }
        return switch (state.substring(0, 2)) {
            case "22" -> "data exception";
            case "23" -> "integrity constraint violation";
            case "42" -> "syntax error or access rule violation";
            default -> "class " + state.substring(0, 2);
        };
    }
}
