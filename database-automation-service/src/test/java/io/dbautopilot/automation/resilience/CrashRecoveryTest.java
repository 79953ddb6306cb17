package io.dbautopilot.automation.resilience;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kill the service mid-operation: the packaged service runs as a child JVM, starts a VACUUM that waits on a lock the
 * test holds, and is killed with SIGKILL; a second process finds the expired lease, records the operation as
 * interrupted (a {@code deferred} event and {@code interruptions = 1}), stops the backend the dead one left behind
 * and retries it to success once the lock is released. The operation is never left {@code running}.
 */
class CrashRecoveryTest {

    @Test
    void anOperationOfAKilledInstanceIsMarkedInterruptedAndRetriedToSuccessAfterRestart() throws Exception {
        try (Infrastructure infra = new Infrastructure()) {
            infra.postgres.execute(Infrastructure.TARGET_DB,
                    "CREATE TABLE public.crash_t (id int PRIMARY KEY, pad text) WITH (autovacuum_enabled = off)",
                    "INSERT INTO public.crash_t SELECT g, repeat('x', 50) FROM generate_series(1, 20000) g",
                    "DELETE FROM public.crash_t WHERE id % 2 = 0");
            await().atMost(Duration.ofSeconds(30)).until(() -> ((Number) infra.targetValue(
                    "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'crash_t'")).longValue() >= 10000);

            try (Connection blocker = infra.postgres.connect(Infrastructure.TARGET_DB)) {
                // VACUUM needs SHARE UPDATE EXCLUSIVE: hold it so the operation's statement waits (lock budget 60 s)
                blocker.setAutoCommit(false);
                try (Statement st = blocker.createStatement()) {
                    st.execute("LOCK TABLE public.crash_t IN SHARE UPDATE EXCLUSIVE MODE");
                }

                Map<String, String> first = infra.settings("crash-a");
                infra.manage(first, "demo", "60s");
                UUID id;
                String appName;
                try (ServiceProcess a = ServiceProcess.start("crash-a", first)) {
                    HttpResponse<String> created = a.post("/api/operations", Infrastructure.OPERATOR_KEY,
                            "{\"database\":\"demo\",\"type\":\"vacuum\",\"object\":\"public.crash_t\",\"reason\":\"crash test\"}");
                    assertEquals(201, created.statusCode(), created.body());
                    id = UUID.fromString(new ObjectMapper().readTree(created.body()).path("id").asText());
                    appName = "db-autopilot-automation op:" + id;
                    // observably running: owned by crash-a and its VACUUM waiting on the test's lock
                    await().atMost(Duration.ofSeconds(30)).until(() -> infra.targetValue(
                            "SELECT 1 FROM pg_stat_activity WHERE application_name = ? AND wait_event_type = 'Lock'",
                            appName) != null);
                    assertEquals("running", infra.stateValue("SELECT status FROM automation.operation WHERE id = ?", id));
                    assertEquals("crash-a", infra.stateValue("SELECT lease_owner FROM automation.operation WHERE id = ?", id));

                    a.kill();
                    assertFalse(a.alive());
                }
                assertEquals("running", infra.stateValue("SELECT status FROM automation.operation WHERE id = ?", id),
                        "the killed instance could not record anything");

                Map<String, String> second = infra.settings("crash-b");
                infra.manage(second, "demo", "60s");
                try (ServiceProcess b = ServiceProcess.start("crash-b", second)) {
                    List<ConsumerRecord<String, String>> events = infra.awaitEvent(id, "deferred", Duration.ofSeconds(40));
                    JsonNode interrupted = null;
                    for (ConsumerRecord<String, String> r : events) {
                        if (Infrastructure.state(r).equals("deferred")) {
                            interrupted = Infrastructure.data(r);
                        }
                    }
                    String reason = interrupted.path("reason").asText();
                    assertTrue(reason.contains("interrupted: executor crash-a stopped renewing its lease"), reason);
                    assertEquals(true, interrupted.path("details").path("interrupted").asBoolean(), interrupted.toString());
                    assertEquals(1, ((Number) infra.stateValue(
                            "SELECT interruptions FROM automation.operation WHERE id = ?", id)).intValue());

                    // the retry runs on crash-b, and the backend crash-a left waiting was terminated first
                    await().atMost(Duration.ofSeconds(30)).until(() -> "crash-b".equals(infra.stateValue(
                            "SELECT lease_owner FROM automation.operation WHERE id = ? AND status = 'running'", id))
                            && infra.targetValue("SELECT 1 FROM pg_stat_activity WHERE application_name = ? "
                            + "AND wait_event_type = 'Lock'", appName) != null);
                    assertEquals(1L, ((Number) infra.targetValue(
                            "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?", appName)).longValue(),
                            "only the retry's backend is left");

                    blocker.commit(); // release the lock: the retried VACUUM can run
                    infra.awaitEvent(id, "succeeded", Duration.ofSeconds(40));
                    assertEquals("succeeded", infra.stateValue("SELECT status FROM automation.operation WHERE id = ?", id));
                    assertEquals(null, infra.stateValue("SELECT lease_owner FROM automation.operation WHERE id = ?", id));

                    // by event id (the relay is at-least-once): requested, started, deferred (interrupted), started, succeeded
                    Set<String> ids = new LinkedHashSet<>();
                    List<String> states = new ArrayList<>();
                    for (ConsumerRecord<String, String> r : infra.eventsOf(id)) {
                        if (ids.add(Infrastructure.header(r, "ce_id"))) {
                            states.add(Infrastructure.state(r));
                        }
                    }
                    assertEquals(List.of("requested", "started", "deferred", "started", "succeeded"), states);
                    JsonNode effect = null;
                    for (ConsumerRecord<String, String> r : infra.eventsOf(id)) {
                        if (Infrastructure.state(r).equals("succeeded")) {
                            effect = Infrastructure.data(r).path("details").path("effect");
                        }
                    }
                    assertTrue(effect.path("n_dead_tup_after").asLong() < effect.path("n_dead_tup_before").asLong(),
                            effect.toString());
                    assertTrue(b.log().contains("was interrupted (lease expired)"), "crash-b logged the recovery");
                }
            }
        }
    }
}
