package io.dbautopilot.automation.tune;

import io.dbautopilot.automation.database.ManagedDatabases;
import io.dbautopilot.automation.operation.ManualTypeValidator;
import io.dbautopilot.automation.operation.OperationRequests;
import io.dbautopilot.automation.operation.OperationType;
import io.dbautopilot.support.problem.ProblemException;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Checks a {@code tune} requested through {@code POST /api/operations} ({@code object}: the setting, {@code value}: its
 * new value) against the target's pg_settings: a restart-only setting is refused (only recommended), as is one not
 * allowed, not reloadable, or a value of the wrong type, unit or range; a tune waits for approval unless asked otherwise.
 */
@ApplicationScoped
public class TuneRequests implements ManualTypeValidator {

    private final ManagedDatabases databases;
    private final TuneConfig config;

    public TuneRequests(ManagedDatabases databases, TuneConfig config) {
        this.databases = databases;
        this.config = config;
    }

    /** Fails the start on a setting out of range, naming it. */
    void validate(@Observes StartupEvent start) {
        config.problem().ifPresent(p -> {
            throw new IllegalArgumentException(p);
        });
    }

    @Override
    public Set<OperationType> types() {
        return Set.of(OperationType.TUNE);
    }

    @Override
    public Validated validate(OperationRequests.Manual request) {
        if (request.object() == null || request.object().isBlank()) {
            throw ProblemException.badRequest("field 'object' is required for tune: the setting to change (one of "
                    + String.join(", ", config.allowedSettings()) + ")");
        }
        try (Connection c = databases.connect(request.database(), "api")) {
            PgSetting setting = PgSetting.find(c, request.object()).orElseThrow(() -> ProblemException.badRequest(
                    "field 'object': '" + request.object() + "' is not a setting of database '" + request.database()
                            + "' (looked up in pg_settings)"));
            SettingValue value;
            try {
                value = SettingValue.check(setting, request.value(), config.allowedSettings());
            } catch (SettingValue.Refused e) {
                throw ProblemException.badRequest(e.getMessage());
            }
            Map<String, Object> parameters = new LinkedHashMap<>();
            parameters.put("value", value.literal());
            parameters.put("current", setting.display());
            return new Validated(setting.name(), parameters, "approval");
        } catch (SQLException e) {
            throw new ProblemException(503, "Service Unavailable", "cannot check the setting against database '"
                    + request.database() + "': SQLSTATE " + e.getSQLState());
        }
    }
}
