package io.dbautopilot.support.tool;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The one way the services run an external program: an argument list (never a shell), secrets only in the
 * environment (never in argv, never in {@link #toString()}), output (stdout and stderr merged) streamed line by line
 * on its own thread to a consumer with a bounded tail kept for error messages, and a deadline and a stop signal that
 * really fire: the caller's thread only waits, so a process that writes nothing is still killed in time. Killing
 * takes the whole tree ({@link ProcessHandle#descendants()}, then the process): SIGTERM first, SIGKILL after
 * {@link #GRACE}. Hand-written rather than commons-exec/zt-exec because those kill the direct child only, so a
 * {@code runuser} or {@code sh} in between would leave the real program running. Every tool dies with the JVM too
 * ({@link ToolSupervision}: own process group, parent-death signal, watchdog, pid file swept at the next start).
 *
 * @param command the executable and its arguments
 * @param env     extra environment (e.g. {@code PGPASSWORD}); passed through {@code runuser} unchanged
 * @param runAs   OS user to run as through {@code runuser}; only effective when this JVM runs as root
 * @param workDir working directory, or null for the JVM's
 */
public record ToolProcess(List<String> command, Map<String, String> env, Optional<String> runAs, Path workDir) {

    /** Time between SIGTERM and SIGKILL when a run is stopped. */
    public static final Duration GRACE = Duration.ofSeconds(5);
    /** Output lines kept for error messages. */
    public static final int TAIL_LINES = 200;
    /** Longest line handed on; a longer run of output without a line break is split. */
    public static final int MAX_LINE = 8192;

    private static final long POLL_MS = 100;
    /** The stop signal is asked every this many polls (every 500 ms). */
    private static final long STOP_EVERY = 5;

    public ToolProcess {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no program to run");
        }
        command = List.copyOf(command);
        env = Map.copyOf(env);
        runAs = runAs.filter(u -> !u.isBlank()).filter(u -> "root".equals(System.getProperty("user.name")));
    }

    /** A program without extra environment, as this JVM's user, in the JVM's directory. */
    public static ToolProcess of(List<String> command) {
        return new ToolProcess(command, Map.of(), Optional.empty(), null);
    }

    /** How a run ended: the process id, exit code (-1 when killed), the last output lines, whether it was stopped or timed out. */
    public record Result(String program, long pid, int exitCode, List<String> tail, boolean stopped, boolean timedOut,
                         Duration limit) {

        /** Whether the program exited 0 and was neither stopped nor timed out. */
        public boolean ok() {
            return exitCode == 0 && !stopped && !timedOut;
        }

        /** The last output lines, joined, for error messages. */
        public String output() {
            return String.join("\n", tail);
        }

        /** Why it did not succeed, e.g. {@code pg_dump timed out after 2s (killed)}; null when {@link #ok()}. */
        public String failure() {
            if (timedOut) {
                return program + " timed out after " + human(limit) + " (killed)" + lastLines();
            }
            if (stopped) {
                return program + " was cancelled (killed)";
            }
            return exitCode == 0 ? null : program + " failed (exit " + exitCode + ")" + lastLines();
        }

        private String lastLines() {
            return tail.isEmpty() ? "" : ": " + String.join("\n", tail.subList(Math.max(0, tail.size() - 20), tail.size())).strip();
        }
    }

    /** The program's file name, e.g. {@code pg_dump}. */
    public String program() {
        return Path.of(command.get(0)).getFileName().toString();
    }

    /** The command line as it is started (with {@code runuser} when switching user); holds no secret. */
    public List<String> effectiveCommand() {
        List<String> cmd = new ArrayList<>();
        runAs.ifPresent(u -> {
            // values only in the environment (runuser keeps it); the names listed so a login reset keeps them too
            cmd.addAll(List.of("runuser", "-u", u));
            if (!env.isEmpty()) {
                cmd.addAll(List.of("-w", String.join(",", new java.util.TreeSet<>(env.keySet()))));
            }
            cmd.add("--");
        });
        cmd.addAll(command);
        return cmd;
    }

    /** The command and the names (never the values) of the extra environment. */
    @Override
    public String toString() {
        return String.join(" ", effectiveCommand()) + (env.isEmpty() ? "" : " (env " + String.join(", ", env.keySet()) + ")");
    }

    /** Runs to the end without a stop signal (short commands: --version, info, check). */
    public Result run(Duration timeout) throws IOException {
        return run(line -> { }, () -> false, timeout);
    }

    /** Like {@link #run(Consumer, BooleanSupplier, Instant)} with a time limit from now. */
    public Result run(Consumer<String> lines, BooleanSupplier stop, Duration timeout) throws IOException {
        return run(lines, stop, Instant.now().plus(timeout), timeout);
    }

    /**
     * Runs until the program ends, {@code stop} answers true, the calling thread is interrupted (both: "stopped"),
     * or {@code deadline} passes ("timed out"); every output line goes to {@code lines} on the reader thread.
     *
     * @throws IOException when the program cannot be started
     */
    public Result run(Consumer<String> lines, BooleanSupplier stop, Instant deadline) throws IOException {
        return run(lines, stop, deadline, Duration.ofSeconds(Math.round(Duration.between(Instant.now(), deadline).toMillis() / 1000.0)));
    }

    private Result run(Consumer<String> lines, BooleanSupplier stop, Instant deadline, Duration limit) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(ToolSupervision.wrap(effectiveCommand())).redirectErrorStream(true);
        pb.environment().putAll(env);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        Process p = pb.start();
        Optional<Process> watchdog = ToolSupervision.watch(p);
        try {
            return run(p, lines, stop, deadline, limit);
        } finally {
            ToolSupervision.done(p, watchdog);
        }
    }

    private Result run(Process p, Consumer<String> lines, BooleanSupplier stop, Instant deadline, Duration limit)
            throws IOException {
        p.getOutputStream().close();
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> read(p.getInputStream(), line -> {
            synchronized (tail) {
                tail.addLast(line);
                if (tail.size() > TAIL_LINES) {
                    tail.removeFirst();
                }
            }
            try {
                lines.accept(line);
            } catch (RuntimeException e) {
                // a failing progress listener must not stop the reading (the pipe would fill and block the program)
            }
        }), "tool-output-" + program());
        reader.setDaemon(true);
        reader.start();
        boolean stopped = false;
        boolean timedOut = false;
        try {
            long polls = 0;
            while (!p.waitFor(POLL_MS, TimeUnit.MILLISECONDS)) {
                // the stop signal may cost a query (an operator's cancel is read from the state database)
                if (++polls % STOP_EVERY == 0 && stop.getAsBoolean()) {
                    stopped = true;
                } else if (!Instant.now().isBefore(deadline)) {
                    timedOut = true;
                }
                if (stopped || timedOut) {
                    killTree(p);
                    break;
                }
            }
            reader.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            killTree(p);
            stopped = true;
            Thread.currentThread().interrupt();
        }
        int exit = p.isAlive() ? -1 : (stopped || timedOut ? -1 : p.exitValue());
        synchronized (tail) {
            return new Result(program(), p.pid(), exit, List.copyOf(tail), stopped, timedOut, limit);
        }
    }

    /**
     * Kills a process and everything it started: SIGTERM to the descendants and the process, SIGKILL to whatever
     * is left after {@link #GRACE}. The descendants are listed first: once their parent is gone they are re-parented
     * and no longer found through it.
     */
    public static void killTree(Process p) {
        List<ProcessHandle> tree = new ArrayList<>(p.descendants().toList());
        tree.add(p.toHandle());
        tree.forEach(ProcessHandle::destroy);
        Instant giveUp = Instant.now().plus(GRACE);
        while (tree.stream().anyMatch(ProcessHandle::isAlive) && Instant.now().isBefore(giveUp)) {
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (ProcessHandle h : tree) {
            h.descendants().forEach(ProcessHandle::destroyForcibly);
            h.destroyForcibly();
        }
        try {
            p.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void read(InputStream in, Consumer<String> lines) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) != -1) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n' || b == '\r') { // progress meters end their lines with \r
                        flush(line, lines);
                    } else {
                        line.write(b);
                        if (line.size() >= MAX_LINE) {
                            flush(line, lines);
                        }
                    }
                }
            }
            flush(line, lines);
        } catch (IOException e) {
            // the pipe closed (the process was killed): nothing more to read
        }
    }

    private static void flush(ByteArrayOutputStream line, Consumer<String> lines) {
        if (line.size() > 0) {
            lines.accept(line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
    }

    private static String human(Duration d) {
        long ms = d.toMillis();
        if (ms < 1000) {
            return ms + "ms";
        }
        long s = Math.round(ms / 1000.0);
        return s < 120 ? s + "s" : s % 60 == 0 ? (s / 60) + "m" : (s / 60) + "m" + (s % 60) + "s";
    }
}
