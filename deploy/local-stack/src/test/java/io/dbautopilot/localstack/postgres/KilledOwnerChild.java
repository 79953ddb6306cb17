package io.dbautopilot.localstack.postgres;

/** Child JVM for {@link ThrowawayPostgresTest}: starts a cluster, prints its directory and pid, then waits to be killed. */
public final class KilledOwnerChild {

    private KilledOwnerChild() {
    }

    public static void main(String[] args) throws Exception {
        ThrowawayPostgres pg = ThrowawayPostgres.launch(PostgresBinaries.locate());
        String pid = java.nio.file.Files.readAllLines(pg.dataDirectory().resolve("postmaster.pid")).get(0).trim();
        System.out.println("READY " + pg.directory() + " " + pid);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
