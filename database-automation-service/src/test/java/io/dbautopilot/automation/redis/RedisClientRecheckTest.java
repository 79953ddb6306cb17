package io.dbautopilot.automation.redis;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The re-check of a client listed as idle, just before {@code CLIENT KILL}: on {@code CLIENT LIST} lines in Redis
 * 7.0's format, only the same connection still idle past the limit and still unprotected is killed.
 */
class RedisClientRecheckTest {

    private static final long LIMIT = 60;
    private static final long OWN = 99;

    private static RedisClientExecutor.Client client(String id, String addr, long age, long idle, String flags,
                                                     String name, int sub) {
        return RedisClientExecutor.parse("id=" + id + " addr=" + addr + " laddr=127.0.0.1:6379 fd=8 name=" + name
                + " age=" + age + " idle=" + idle + " flags=" + flags + " db=0 sub=" + sub + " psub=0 ssub=0 multi=-1"
                + " qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=0 tot-mem=1928"
                + " events=r cmd=get user=default redir=-1 resp=2\r\n").get(0);
    }

    private static final RedisClientExecutor.Client LISTED = client("7", "10.0.0.5:50368", 300, 120, "N", "", 0);

    @Test
    void theSameConnectionStillIdlePastTheLimitIsKilled() {
        assertEquals(Optional.empty(), RedisClientExecutor.recheck(LISTED,
                Optional.of(client("7", "10.0.0.5:50368", 301, 121, "N", "", 0)), LIMIT, OWN));
    }

    @Test
    void aGoneClientOrAReusedIdIsNotKilled() {
        assertEquals(Optional.of("gone before the re-check"), RedisClientExecutor.recheck(LISTED, Optional.empty(),
                LIMIT, OWN));
        assertTrue(RedisClientExecutor.recheck(LISTED, Optional.of(client("7", "10.0.0.9:41000", 400, 200, "N", "", 0)),
                LIMIT, OWN).orElseThrow().contains("another connection"), "other address");
        assertTrue(RedisClientExecutor.recheck(LISTED, Optional.of(client("7", "10.0.0.5:50368", 10, 70, "N", "", 0)),
                LIMIT, OWN).orElseThrow().contains("another connection"), "younger than when listed");
    }

    @Test
    void aClientActiveAgainOrNowProtectedIsNotKilled() {
        assertEquals(Optional.of("active again at the re-check (idle 0 s)"), RedisClientExecutor.recheck(LISTED,
                Optional.of(client("7", "10.0.0.5:50368", 301, 0, "N", "", 0)), LIMIT, OWN));
        assertTrue(RedisClientExecutor.recheck(LISTED, Optional.of(client("7", "10.0.0.5:50368", 301, 121, "P", "", 1)),
                LIMIT, OWN).orElseThrow().contains("pub/sub"));
        assertTrue(RedisClientExecutor.recheck(LISTED, Optional.of(client("7", "10.0.0.5:50368", 301, 121, "b", "", 0)),
                LIMIT, OWN).orElseThrow().contains("blocked"));
        assertTrue(RedisClientExecutor.recheck(LISTED, Optional.of(client("7", "10.0.0.5:50368", 301, 121, "N",
                "db-autopilot-x", 0)), LIMIT, OWN).orElseThrow().contains("a client of this project"));
    }
}
