package io.dbautopilot.automation.backup.engine;

import org.jboss.logging.Logger;

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
 * Runs one external tool on the calling (worker) thread: its output is read line by line (lines end at {@code \n}
 * or {@code \r}, as progress meters write) by a reader thread and handed to a listener; the process tree is killed
 * when the stop signal fires or the deadline passes. Optionally runs as another OS user through {@code runuser}.
 */
public final class ToolProcess {

    private static final Logger LOG = Logger.getLogger(ToolProcess.class);
    private static final int TAIL = 400;

    /** How a run ended: exit code, the last output lines, and whether it was stopped. */
    public record Result(int exitCode, List<String> tail, boolean stopped, boolean timedOut) {
        /** Whether the tool exited 0 and was not stopped. */
        public boolean ok() {
            return exitCode == 0 && !stopped && !timedOut;
        }

        /** The last output lines, joined, for error messages. */
        public String output() {
            return String.join("\n", tail);
        }
    }

    private final List<String> command;
    private final Map<String, String> env;
    private final Optional<String> runAs;
    private final Path workDir;

    /**
     * @param command the executable and its arguments
     * @param env     extra environment (e.g. PGPASSWORD: never on the command line)
     * @param runAs   OS user to run as via runuser (only effective when this JVM runs as root)
     * @param workDir working directory, or null
     */
    public ToolProcess(List<String> command, Map<String, String> env, Optional<String> runAs, Path workDir) {
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.runAs = runAs.filter(u -> !u.isBlank()).filter(u -> "root".equals(System.getProperty("user.name")));
        this.workDir = workDir;
    }

    /** The command as it is started (with runuser when switching user). */
    public List<String> effectiveCommand() {
        List<String> cmd = new ArrayList<>();
        if (runAs.isPresent()) {
            cmd.addAll(List.of("runuser", "-u", runAs.get(), "--", "env"));
            env.forEach((k, v) -> cmd.add(k + "=" + v));
        }
        cmd.addAll(command);
        return cmd;
    }

    /** Runs to the end, the stop signal or the deadline; every output line goes to {@code lines}. */
    public Result run(Consumer<String> lines, BooleanSupplier stop, Instant deadline) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(effectiveCommand()).redirectErrorStream(true);
        if (runAs.isEmpty()) {
            pb.environment().putAll(env);
        }
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        LOG.debugf("running %s", command);
        Process p = pb.start();
        p.getOutputStream().close();
        Deque<String> tail = new ArrayDeque<>();
        Thread reader = new Thread(() -> read(p.getInputStream(), line -> {
            synchronized (tail) {
                tail.addLast(line);
                if (tail.size() > TAIL) {
                    tail.removeFirst();
                }
            }
            try {
                lines.accept(line);
            } catch (RuntimeException e) {
                LOG.debugf("output listener failed: %s", e.getMessage());
            }
        }), "tool-output-" + command.get(0).replaceAll(".*/", ""));
        reader.setDaemon(true);
        reader.start();
        boolean stopped = false;
        boolean timedOut = false;
        try {
            while (true) {
                if (p.waitFor(500, TimeUnit.MILLISECONDS)) {
                    break;
                }
                if (stop.getAsBoolean()) {
                    stopped = true;
                } else if (Instant.now().isAfter(deadline)) {
                    timedOut = true;
                }
                if (stopped || timedOut) {
                    kill(p);
                    break;
                }
            }
            reader.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill(p);
            stopped = true;
        }
        int exit = p.isAlive() ? -1 : p.exitValue();
        synchronized (tail) {
            return new Result(exit, List.copyOf(tail), stopped, timedOut);
        }
    }

    /** Runs to the end without a stop signal (short commands: info, verify, check). */
    public Result run(Duration timeout) throws IOException {
        return run(l -> { }, () -> false, Instant.now().plus(timeout));
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void read(InputStream in, Consumer<String> lines) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (in) {
            int b;
            while ((b = in.read()) != -1) {
                if (b == '\n' || b == '\r') {
                    if (line.size() > 0) {
                        lines.accept(line.toString(StandardCharsets.UTF_8));
                        line.reset();
                    }
                } else {
                    line.write(b);
                }
            }
            if (line.size() > 0) {
                lines.accept(line.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            LOG.debugf("tool output closed: %s", e.getMessage());
        }
    }
}
