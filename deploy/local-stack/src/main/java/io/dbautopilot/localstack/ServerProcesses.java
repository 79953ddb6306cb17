package io.dbautopilot.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * What the throwaway MariaDB and Redis servers share: free ports, generated passwords, commands run with argument
 * lists, stopping a server process (SIGTERM, then kill), the detached watchdog that stops the server and removes
 * its directory once the owning JVM is gone - even when it was killed and ran no shutdown hook - and, should the
 * watchdog have been killed too, the sweep by the next launch.
 */
public final class ServerProcesses {

    private static final Logger LOG = Logger.getLogger(ServerProcesses.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String OWNER_FILE = "owner";
    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    /*
     * $1 = owner JVM pid, $2 = server pid, $3 = directory; values are passed as arguments, never spliced into the
     * script. Once the JVM is gone: SIGTERM, up to 10 s to exit, SIGKILL, then the directory goes.
     */
    private static final String WATCHDOG_SCRIPT = String.join("\n",
            "while kill -0 \"$1\" 2>/dev/null; do sleep 1; done",
            "kill -TERM \"$2\" 2>/dev/null",
            "i=0",
            "while kill -0 \"$2\" 2>/dev/null && [ \"$i\" -lt 50 ]; do sleep 0.2; i=$((i+1)); done",
            "kill -KILL \"$2\" 2>/dev/null",
            "rm -rf \"$3\"");

    private ServerProcesses() {
    }

    /** A TCP port nothing listens on right now. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }

    /** A random password of letters and digits (safe in SQL string literals and config files). */
    public static String generatePassword() {
        StringBuilder sb = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** Whether the JVM runs as root (servers then run as their own OS user). */
    public static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Whether an OS user exists ({@code id -u name}). */
    public static boolean osUserExists(String name) {
        try {
            Process p = new ProcessBuilder("id", "-u", name).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command (argument list, no shell) in {@code dir}; returns its combined output or fails with it. */
    public static String run(List<String> command, Path dir, Duration timeout) {
        return run(command, dir, timeout, Map.of());
    }

    /** As {@link #run(List, Path, Duration)}, with extra environment variables (e.g. a password). */
    public static String run(List<String> command, Path dir, Duration timeout, Map<String, String> env) {
        CommandResult r = attempt(command, dir, timeout, env);
        if (r.exitCode() != 0) {
            throw new IllegalStateException("'" + String.join(" ", command) + "' "
                    + (r.exitCode() == CommandResult.TIMED_OUT ? "timed out" : "exited with " + r.exitCode())
                    + ":\n" + r.output());
        }
        return r.output();
    }

    /** Outcome of one command: exit code ({@link #TIMED_OUT} when killed after the timeout) and combined output. */
    public record CommandResult(int exitCode, String output) {
        public static final int TIMED_OUT = -1;
    }

    /** Runs a command (argument list, no shell) and returns its exit code and output without judging them. */
    public static CommandResult attempt(List<String> command, Path dir, Duration timeout, Map<String, String> env) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            pb.environment().putAll(env);
            Process p = pb.start();
            p.getOutputStream().close();
            // Read on another thread so a command that hangs with open output still times out.
            CompletableFuture<String> output = new CompletableFuture<>();
            Thread reader = new Thread(() -> {
                try {
                    output.complete(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    output.complete("");
                }
            }, "command-output");
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return new CommandResult(CommandResult.TIMED_OUT, output.getNow(""));
            }
            return new CommandResult(p.exitValue(), output.get(10, TimeUnit.SECONDS));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command.get(0), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", command), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not read the output of " + String.join(" ", command), e);
        }
    }

    /**
     * Starts a detached ({@code setsid}) watchdog that, once this JVM is gone, stops {@code server} and deletes
     * {@code dir}. Returns empty (after a warning) when it cannot be started; {@link #stopWatchdog} ends it.
     */
    public static Optional<Process> startWatchdog(ProcessHandle server, Path dir) {
        List<String> cmd = new ArrayList<>(List.of("setsid", "sh", "-c", WATCHDOG_SCRIPT, "dbautopilot-watchdog",
                String.valueOf(ProcessHandle.current().pid()), String.valueOf(server.pid()), dir.toString()));
        try {
            return Optional.of(new ProcessBuilder(cmd)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start());
        } catch (IOException e) {
            LOG.warning("could not start the clean-up watchdog for " + dir + " (setsid/sh missing? install util-linux): "
                    + e.getMessage());
            return Optional.empty();
        }
    }

    /** Ends a watchdog started by {@link #startWatchdog} (the server was cleaned up by its owner). */
    public static void stopWatchdog(Optional<Process> watchdog) {
        watchdog.ifPresent(w -> {
            w.descendants().forEach(ProcessHandle::destroy);
            w.destroy();
        });
    }

    /** Stops a server process: SIGTERM, then SIGKILL when it has not exited within {@code grace}. */
    public static void stop(Process server, Duration grace) {
        if (!server.isAlive()) {
            return;
        }
        server.destroy();
        try {
            if (!server.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warning("pid " + server.pid() + " did not stop within " + grace + " after SIGTERM; killing it");
                server.destroyForcibly();
                server.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Records in {@code dir} which JVM owns it and, once started, which server process runs from it (pid and start
     * time, so a reused pid is never mistaken for them). {@link #sweepAbandoned} reads it.
     */
    public static void writeOwnerRecord(Path dir, Optional<ProcessHandle> server) {
        ProcessHandle owner = ProcessHandle.current();
        String record = owner.pid() + " " + startMillis(owner) + " "
                + server.map(s -> s.pid() + " " + startMillis(s)).orElse("0 -1") + "\n";
        try {
            Files.writeString(dir.resolve(OWNER_FILE), record, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(OWNER_FILE), e);
        }
    }

    /**
     * Removes the directories {@code <tmpdir>/<prefix>*} whose owning JVM is gone - left behind when both the JVM and
     * its watchdog were killed - after killing the server still running from one. Directories without an owner record
     * and those of live JVMs are left alone. Called by each launch, so the next start cleans up.
     */
    public static void sweepAbandoned(String prefix) {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> candidates;
        try (Stream<Path> dirs = Files.list(tmp)) {
            candidates = dirs.filter(d -> d.getFileName().toString().startsWith(prefix))
                    .filter(d -> Files.isRegularFile(d.resolve(OWNER_FILE))).toList();
        } catch (IOException e) {
            LOG.warning("could not look for abandoned servers in " + tmp + ": " + e.getMessage());
            return;
        }
        for (Path dir : candidates) {
            String[] f;
            try {
                f = Files.readString(dir.resolve(OWNER_FILE), StandardCharsets.UTF_8).trim().split(" ");
            } catch (IOException | UncheckedIOException e) {
                continue; // removed meanwhile, or unreadable: not ours to judge
            }
            if (f.length != 4 || !String.join(" ", f).matches("[0-9 -]+")
                    || isSame(Long.parseLong(f[0]), Long.parseLong(f[1]))) {
                continue;
            }
            long serverPid = Long.parseLong(f[2]);
            if (serverPid > 0 && isSame(serverPid, Long.parseLong(f[3]))) {
                LOG.warning("killing server pid " + serverPid + " abandoned by dead JVM " + f[0] + " in " + dir);
                ProcessHandle.of(serverPid).ifPresent(ProcessHandle::destroyForcibly);
                ProcessHandle.of(serverPid).ifPresent(h -> {
                    try {
                        h.onExit().get(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (ExecutionException | TimeoutException e) {
                        LOG.warning("abandoned server pid " + serverPid + " did not exit: " + e.getMessage());
                    }
                });
            }
            LOG.info("removing " + dir + ", abandoned by dead JVM " + f[0]);
            TempDirectories.deleteRecursively(dir);
        }
    }

    /** Whether the process {@code pid} runs and started at {@code startMillis} (-1: unknown, pid alone decides). */
    private static boolean isSame(long pid, long startMillis) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> startMillis < 0 || startMillis(h) == startMillis).isPresent();
    }

    private static long startMillis(ProcessHandle h) {
        return h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    }

    /** The last {@code maxLines} lines of a log file, for error messages (empty when unreadable). */
    public static String tail(Path log, int maxLines) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "";
        }
    }
}
