package io.dbautopilot.localstack;

import io.dbautopilot.localstack.mariadb.MariaDbBinaries;
import io.dbautopilot.localstack.mariadb.ThrowawayMariaDb;
import io.dbautopilot.localstack.redis.RedisBinaries;
import io.dbautopilot.localstack.redis.ThrowawayRedis;

/**
 * Child JVM for the killed-owner tests: starts a throwaway server ({@code mariadb} or {@code redis}), prints its
 * directory and pid, then waits to be killed.
 */
public final class KilledServerOwnerChild {

    private KilledServerOwnerChild() {
    }

    public static void main(String[] args) throws Exception {
        String ready = switch (args[0]) {
            case "mariadb" -> {
                ThrowawayMariaDb db = ThrowawayMariaDb.launch(MariaDbBinaries.locate());
                yield db.directory() + " " + db.pid();
            }
            case "redis" -> {
                ThrowawayRedis redis = ThrowawayRedis.launch(RedisBinaries.locate());
                yield redis.directory() + " " + redis.pid();
            }
            default -> throw new IllegalArgumentException("mariadb or redis, not " + args[0]);
        };
        System.out.println("READY " + ready);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
