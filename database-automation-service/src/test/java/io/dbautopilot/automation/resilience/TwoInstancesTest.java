package io.dbautopilot.automation.resilience;

import io.dbautopilot.model.Severity;
import io.dbautopilot.model.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two instances of the packaged service (child JVMs) in one consumer group on one state database: anomalies on
 * several targets spread over both instances' partitions, and every resulting operation is executed exactly once:
 * one attempt in the state row and exactly one {@code started} and one {@code succeeded} event on
 * autopilot.operations.v1, with no duplicate records at all.
 */
class TwoInstancesTest {

    private static final int PARTITIONS = 2;
    private static final String GROUP = "database-automation-service";

    @Test
    void twoInstancesConsumingExecuteEachOperationExactlyOnce() throws Exception {
        try (Infrastructure infra = new Infrastructure()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(Topics.ANOMALIES, PARTITIONS, (short) 1),
                        new NewTopic(Topics.OPERATIONS, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);

                List<String> targets = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot");
                Set<Integer> partitionsUsed = new HashSet<>();
                targets.forEach(t -> partitionsUsed.add(Utils.toPositive(Utils.murmur2(t.getBytes(StandardCharsets.UTF_8)))
                        % PARTITIONS));
                assertEquals(PARTITIONS, partitionsUsed.size(), "the target ids (record keys) cover every partition");

                Map<String, String> a = infra.settings("two-a");
                Map<String, String> b = infra.settings("two-b");
                for (String t : targets) {
                    infra.manage(a, t, "5s");
                    infra.manage(b, t, "5s");
                }
                int n = 12;
                for (int i = 0; i < n; i++) {
                    infra.postgres.execute(Infrastructure.TARGET_DB, "CREATE TABLE public.two_" + i + " (id int)",
                            "INSERT INTO public.two_" + i + " SELECT generate_series(1, 500)");
                }
                try (ServiceProcess first = ServiceProcess.start("two-a", a);
                     ServiceProcess second = ServiceProcess.start("two-b", b)) {
                    // both instances hold partitions of the anomalies topic before anything is published
                    await().atMost(Duration.ofSeconds(60)).until(() -> anomalyConsumers(admin) == PARTITIONS);

                    Map<String, Integer> eventToTable = new HashMap<>();
                    for (int i = 0; i < n; i++) {
                        String target = targets.get(i % targets.size());
                        // default policy: table_not_analyzed -> ANALYZE, auto
                        eventToTable.put(infra.publishAnomaly(target, "table_not_analyzed", "public.two_" + i,
                                Severity.WARNING), i);
                    }
                    await().atMost(Duration.ofSeconds(60)).until(() -> ((Number) infra.stateValue(
                            "SELECT count(*) FROM automation.operation WHERE status = 'succeeded'")).intValue() == n);

                    List<ConsumerRecord<String, String>> all = infra.drainOperations(3 * n, Duration.ofSeconds(3));
                    assertEquals(n, ((Number) infra.stateValue("SELECT count(*) FROM automation.operation")).intValue(),
                            "one operation per event");
                    Set<String> eventIds = new HashSet<>();
                    for (ConsumerRecord<String, String> r : all) {
                        assertTrue(eventIds.add(Infrastructure.header(r, "ce_id")), "duplicate event record " + r);
                    }
                    for (Map.Entry<String, Integer> e : eventToTable.entrySet()) {
                        UUID id = (UUID) infra.stateValue(
                                "SELECT id FROM automation.operation WHERE triggering_event_id = ?", e.getKey());
                        assertEquals("succeeded", infra.stateValue("SELECT status FROM automation.operation WHERE id = ?", id));
                        assertEquals(1, ((Number) infra.stateValue(
                                "SELECT attempts FROM automation.operation WHERE id = ?", id)).intValue(), "one attempt");
                        assertEquals(0, ((Number) infra.stateValue(
                                "SELECT interruptions FROM automation.operation WHERE id = ?", id)).intValue());
                        List<String> states = new ArrayList<>();
                        for (ConsumerRecord<String, String> r : infra.eventsOf(id)) {
                            states.add(Infrastructure.state(r));
                        }
                        assertEquals(List.of("requested", "started", "succeeded"), states, "events of " + id);
                        assertTrue(infra.targetValue("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = ?",
                                "two_" + e.getValue()) != null, "two_" + e.getValue() + " analyzed");
                    }
                    assertTrue(first.log().contains("recorded from event"), "two-a consumed anomalies");
                    assertTrue(second.log().contains("recorded from event"), "two-b consumed anomalies");
                }
            }
        }
    }

    /** How many group members hold partitions of the anomalies topic. */
    private static long anomalyConsumers(Admin admin) throws Exception {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).describedGroups().get(GROUP)
                .get(10, TimeUnit.SECONDS);
        int assigned = 0;
        long members = 0;
        for (MemberDescription m : group.members()) {
            long mine = m.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(Topics.ANOMALIES)).count();
            assigned += (int) mine;
            members += mine > 0 ? 1 : 0;
        }
        return assigned == PARTITIONS ? members : 0;
    }
}
