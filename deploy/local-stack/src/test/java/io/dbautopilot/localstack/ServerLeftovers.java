package io.dbautopilot.localstack;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Test helpers that check a throwaway server left no process and no directory behind. */
public final class ServerLeftovers {

    private ServerLeftovers() {
    }

    /** A directory and the server pid it belonged to. */
    public record Started(Path directory, long pid) {
    }

    /** Waits (polling, up to {@code seconds}) for the process to end and the directory to go, then asserts both. */
    public static void assertGone(Started started, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while ((Files.exists(started.directory()) || alive(started.pid())) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertFalse(alive(started.pid()), "server process " + started.pid() + " gone");
        assertFalse(Files.exists(started.directory()), "server directory " + started.directory() + " removed");
    }

    /** Starts {@link KilledServerOwnerChild} for {@code engine}, waits for its READY line and kills it with SIGKILL. */
    public static Started startInChildAndKillIt(String engine) throws Exception {
        return startInChildAndKillIt(engine, false);
    }

    /**
     * As {@link #startInChildAndKillIt(String)}; with {@code watchdogToo}, the child's other processes (the clean-up
     * watchdog) are killed first, so only the server is left running with its directory.
     */
    public static Started startInChildAndKillIt(String engine, boolean watchdogToo) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), KilledServerOwnerChild.class.getName(), engine)
                .redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        String ready = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                output.append(line).append('\n');
                if (line.startsWith("READY ")) {
                    ready = line;
                    break;
                }
            }
        }
        if (ready == null) {
            child.destroyForcibly().waitFor();
            throw new AssertionError("the child JVM did not start a " + engine + " server:\n" + output);
        }
        String[] parts = ready.split(" ");
        Started started = new Started(Path.of(parts[1]), Long.parseLong(parts[2]));
        assertTrue(Files.isDirectory(started.directory()));
        assertTrue(alive(started.pid()));
        if (watchdogToo) {
            List<ProcessHandle> others = child.descendants().filter(h -> h.pid() != started.pid()).toList();
            assertFalse(others.isEmpty(), "the child has a watchdog process");
            others.forEach(ProcessHandle::destroyForcibly);
        }
        child.destroyForcibly().waitFor(); // kill -9: no shutdown hook runs
        return started;
    }

    /** Whether a process is running (a zombie awaiting its reaper counts as gone). */
    public static boolean alive(long pid) {
        if (!ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
