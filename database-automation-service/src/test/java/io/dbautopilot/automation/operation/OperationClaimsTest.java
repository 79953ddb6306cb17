package io.dbautopilot.automation.operation;

import io.dbautopilot.localstack.postgres.PostgresServer;
import io.dbautopilot.localstack.quarkus.InjectInfra;
import io.dbautopilot.localstack.quarkus.KafkaTestResource;
import io.dbautopilot.localstack.quarkus.PostgresTestResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two engine instances (two claimers with different lease owners, each on its own thread and connection) racing
 * for the same operations in the shared state schema: each operation is claimed exactly once, and never more than
 * one heavy operation per database runs.
 */
@QuarkusTest
@WithTestResource(KafkaTestResource.class)
@WithTestResource(PostgresTestResource.class)
class OperationClaimsTest {

    @InjectInfra
    PostgresServer postgres;

    @Inject
    OperationClaims claims;

    @Test
    void twoInstancesRacingClaimEveryOperationExactlyOnceAndOneHeavyPerDatabase() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> targets = List.of("race-a-" + run, "race-b-" + run, "race-c-" + run, "race-heavy-" + run);
        Set<UUID> light = new HashSet<>();
        Set<UUID> heavy = new HashSet<>();
        try (Connection c = postgres.connect(OperationsTestSupport.STATE_DB);
             PreparedStatement ps = c.prepareStatement("""
                     INSERT INTO automation.operation (id, target_id, type, object, heavy, mode, status, requested_by, max_attempts)
                     VALUES (?, ?, ?, 'public.t', ?, 'auto', 'pending', 'test', 3)""")) {
            for (int i = 0; i < 60; i++) {
                UUID id = UUID.randomUUID();
                boolean isHeavy = i % 6 == 0;
                ps.setObject(1, id);
                ps.setString(2, isHeavy ? targets.get(3) : targets.get(i % 3));
                ps.setString(3, isHeavy ? "vacuum" : "analyze");
                ps.setBoolean(4, isHeavy);
                ps.executeUpdate();
                (isHeavy ? heavy : light).add(id);
            }
        }
        // these targets are not managed by the running service, so only the two racers below claim them
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<List<UUID>>> results = new ArrayList<>();
        for (String owner : List.of("instance-A-" + run, "instance-B-" + run)) {
            Callable<List<UUID>> racer = () -> {
                start.await();
                List<UUID> mine = new ArrayList<>();
                int empty = 0;
                while (empty < 5) {
                    Optional<Operation> op = claims.claimNext(owner, targets, Duration.ofHours(1), Duration.ofHours(1));
                    if (op.isPresent()) {
                        assertEquals(owner, op.get().leaseOwner());
                        mine.add(op.get().id());
                        empty = 0;
                    } else {
                        empty++;
                    }
                }
                return mine;
            };
            results.add(pool.submit(racer));
        }
        start.countDown();
        List<UUID> a = results.get(0).get();
        List<UUID> b = results.get(1).get();
        pool.shutdown();

        List<UUID> all = new ArrayList<>(a);
        all.addAll(b);
        assertEquals(all.size(), new HashSet<>(all).size(), "no operation claimed twice");
        assertTrue(all.containsAll(light), "every light operation claimed");
        assertEquals(1, all.stream().filter(heavy::contains).count(), "exactly one heavy operation of the database runs");
        assertTrue(!a.isEmpty() && !b.isEmpty(), "both instances took part: A " + a.size() + ", B " + b.size());
        try (Connection c = postgres.connect(OperationsTestSupport.STATE_DB)) {
            Object running = OperationsTestSupport.value(c, """
                    SELECT count(*) FROM automation.operation WHERE target_id = ANY(?) AND status = 'running'""",
                    c.createArrayOf("text", targets.toArray()));
            assertEquals((long) all.size(), ((Number) running).longValue());
            Object attempts = OperationsTestSupport.value(c, """
                    SELECT max(attempts) FROM automation.operation WHERE target_id = ANY(?)""",
                    c.createArrayOf("text", targets.toArray()));
            assertEquals(1, ((Number) attempts).intValue(), "no row was started twice");
            Object started = OperationsTestSupport.value(c, """
                    SELECT count(*) FROM automation.outbox o JOIN automation.operation p ON p.id = o.operation_id
                     WHERE p.target_id = ANY(?) AND o.event_type = 'io.dbautopilot.operation.started.v1'""",
                    c.createArrayOf("text", targets.toArray()));
            assertEquals((long) all.size(), ((Number) started).longValue(), "one started event per claim");
            // leave nothing running behind
            OperationsTestSupport.value(c, """
                    UPDATE automation.operation SET status = 'cancelled', lease_owner = NULL, lease_expires_at = NULL
                     WHERE target_id = ANY(?) RETURNING 1""", c.createArrayOf("text", targets.toArray()));
        }
    }
}
