package io.dbautopilot.support.tool;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The process runner against real programs ({@code sh}, {@code sleep}, {@code seq} are the programs under test). */
class ToolProcessTest {

    private static final Duration PROMPT = Duration.ofSeconds(10);

    @Test
    void timeoutKillsAProgramThatWritesNothing() throws IOException {
        Instant start = Instant.now();
        ToolProcess.Result r = ToolProcess.of(List.of("sleep", "30")).run(Duration.ofSeconds(1));
        Duration took = Duration.between(start, Instant.now());

        assertTrue(r.timedOut(), r.toString());
        assertFalse(r.ok());
        assertEquals(-1, r.exitCode());
        assertTrue(took.compareTo(PROMPT) < 0, "took " + took);
        assertTrue(r.failure().startsWith("sleep timed out after 1s"), r.failure());
        assertFalse(alive(r.pid()), "sleep still running");
    }

    @Test
    void stopKillsTheWholeTree() throws IOException {
        AtomicLong grandchild = new AtomicLong();
        Instant start = Instant.now();
        ToolProcess.Result r = ToolProcess.of(List.of("sh", "-c", "sleep 30 & echo $!; wait"))
                .run(line -> grandchild.set(Long.parseLong(line.trim())), () -> grandchild.get() != 0,
                        Instant.now().plus(Duration.ofMinutes(1)));

        assertTrue(r.stopped(), r.toString());
        assertFalse(r.timedOut());
        assertEquals("sh was cancelled (killed)", r.failure());
        assertTrue(Duration.between(start, Instant.now()).compareTo(PROMPT) < 0);
        assertFalse(alive(r.pid()), "sh still running");
        assertFalse(alive(grandchild.get()), "the sleep sh started still runs");
    }

    @Test
    void interruptingTheCallerStopsTheRun() throws Exception {
        AtomicLong grandchild = new AtomicLong();
        AtomicReference<Thread> runner = new AtomicReference<>();
        CompletableFuture<ToolProcess.Result> run = CompletableFuture.supplyAsync(() -> {
            runner.set(Thread.currentThread());
            try {
                return ToolProcess.of(List.of("sh", "-c", "sleep 30 & echo $!; wait"))
                        .run(line -> grandchild.set(Long.parseLong(line.trim())), () -> false,
                                Instant.now().plus(Duration.ofMinutes(1)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Instant until = Instant.now().plus(PROMPT);
        while (grandchild.get() == 0 && Instant.now().isBefore(until)) {
            Thread.onSpinWait();
        }
        assertTrue(grandchild.get() != 0, "sh never printed its child");
        runner.get().interrupt();
        ToolProcess.Result r = run.get(PROMPT.toSeconds(), TimeUnit.SECONDS);

        assertTrue(r.stopped(), r.toString());
        assertFalse(alive(grandchild.get()));
    }

    @Test
    void secretsGoThroughTheEnvironmentOnly() throws IOException {
        String secret = "s3cr3t-Value-" + System.nanoTime();
        AtomicLong pid = new AtomicLong();
        AtomicReference<String> cmdline = new AtomicReference<>();
        List<String> lines = new CopyOnWriteArrayList<>();
        ToolProcess tool = new ToolProcess(List.of("sh", "-c", "echo \"$$ ${#TOOL_SECRET}\"; exec sleep 30"),
                Map.of("TOOL_SECRET", secret), Optional.empty(), null);
        // the line comes before the exec: /proc/<pid>/cmdline reads as sh's, or empty while the exec runs, until sleep runs
        ToolProcess.Result r = tool.run(line -> {
            lines.add(line);
            pid.set(Long.parseLong(line.split(" ")[0]));
        }, () -> {
            String running = pid.get() == 0 ? "" : readCmdline(pid.get());
            cmdline.set(running);
            return running.startsWith("sleep");
        }, Instant.now().plus(PROMPT));

        assertTrue(r.stopped(), "sleep never showed on the command line, last read: '" + cmdline.get() + "', " + r);
        assertTrue(lines.get(0).endsWith(" " + secret.length()), "the program did not get the secret: " + lines);
        assertFalse(cmdline.get().contains(secret), "secret in the running command line");
        assertFalse(String.join(" ", tool.effectiveCommand()).contains(secret));
        assertFalse(tool.toString().contains(secret), tool.toString());
        assertTrue(tool.toString().contains("TOOL_SECRET"), tool.toString());
    }

    private static String readCmdline(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Test
    void runAsAnotherUserKeepsTheSecretOffTheCommandLine() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "switching user needs root");
        String secret = "pw-" + System.nanoTime();
        ToolProcess tool = new ToolProcess(List.of("sh", "-c", "echo \"$(id -un) ${#PGPASSWORD}\""),
                Map.of("PGPASSWORD", secret), Optional.of("postgres"), null);
        ToolProcess.Result r = tool.run(PROMPT);

        assertTrue(r.ok(), r.toString());
        assertEquals("postgres " + secret.length(), r.output());
        // only the variable's name is on the command line, its value travels in the environment
        assertEquals(List.of("runuser", "-u", "postgres", "-w", "PGPASSWORD", "--"), tool.effectiveCommand().subList(0, 6));
        assertFalse(String.join(" ", tool.effectiveCommand()).contains(secret));
    }

    @Test
    void outputIsStreamedWhileTheProgramRuns() throws IOException {
        List<String> lines = new CopyOnWriteArrayList<>();
        AtomicBoolean sawProgress = new AtomicBoolean();
        ToolProcess.Result r = ToolProcess.of(List.of("sh", "-c", "printf 'one\\n10%%\\r20%%\\r'; echo two; exec sleep 30"))
                .run(line -> {
                    lines.add(line);
                    if (line.equals("two")) {
                        sawProgress.set(true);
                    }
                }, sawProgress::get, Instant.now().plus(PROMPT));

        // stopped (not timed out): the lines arrived while sleep was still running
        assertTrue(r.stopped(), r.toString());
        assertEquals(List.of("one", "10%", "20%", "two"), lines);
    }

    @Test
    void tailIsBoundedAndLongLinesAreSplit() throws IOException {
        List<String> lines = new CopyOnWriteArrayList<>();
        ToolProcess.Result r = ToolProcess.of(List.of("seq", "1", "1000"))
                .run(lines::add, () -> false, Instant.now().plus(PROMPT));

        assertTrue(r.ok(), r.toString());
        assertNull(r.failure());
        assertEquals(1000, lines.size());
        assertEquals(ToolProcess.TAIL_LINES, r.tail().size());
        assertEquals("1000", r.tail().get(r.tail().size() - 1));

        ToolProcess.Result longLine = ToolProcess.of(List.of("sh", "-c", "head -c 20000 /dev/zero | tr '\\0' a"))
                .run(PROMPT);
        assertTrue(longLine.ok(), longLine.toString());
        assertEquals(3, longLine.tail().size());
        assertTrue(longLine.tail().stream().allMatch(l -> l.length() <= ToolProcess.MAX_LINE));
        assertEquals(20000, longLine.tail().stream().mapToInt(String::length).sum());
    }

    @Test
    void exitCodeAndOutputMakeTheFailure() throws IOException {
        ToolProcess.Result r = ToolProcess.of(List.of("sh", "-c", "echo boom >&2; exit 3")).run(PROMPT);

        assertEquals(3, r.exitCode());
        assertFalse(r.ok());
        assertEquals("sh failed (exit 3): boom", r.failure());
    }

    @Test
    void aMissingProgramCannotStart() {
        assertThrows(IOException.class, () -> ToolProcess.of(List.of("/nonexistent/pg_dump")).run(PROMPT));
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
