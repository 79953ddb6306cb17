package io.dbautopilot.support.tool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Makes tools die with the JVM: each runs as the leader of its own session and process group ({@code setsid}) with a
 * parent-death SIGKILL ({@code setpriv --pdeathsig KILL}), a detached watchdog SIGKILLs the whole group once the JVM
 * is gone (children such as pg_basebackup's WAL streamer included), and a pid file per running tool lets a restarted
 * service ({@link #sweep()}) stop groups that an earlier, killed incarnation left behind.
 */
public final class ToolSupervision {

    /*
     * $1 = owner JVM pid, $2 = process group id; values are arguments, never spliced into the script. Ends by itself
     * when the group is gone; SIGKILLs the group when the JVM is gone.
     */
    private static final String WATCHDOG = String.join("\n",
            "while kill -0 \"$1\" 2>/dev/null; do",
            "  kill -0 -\"$2\" 2>/dev/null || exit 0",
            "  sleep 1",
            "done",
            "kill -9 -\"$2\" 2>/dev/null",
            "exit 0");

    private static final boolean AVAILABLE = onPath("setsid") && onPath("setpriv") && onPath("sh");
    private static volatile Path registry;

    private ToolSupervision() {
    }

    /** Where pid files of running tools are kept (a directory of this machine); unset = none kept. */
    public static void registry(Path directory) throws IOException {
        Files.createDirectories(directory);
        registry = directory;
    }

    /** Whether {@code setsid} and {@code setpriv} are installed (util-linux); without them tools run unsupervised. */
    public static boolean available() {
        return AVAILABLE;
    }

    /** The command run in its own session with a parent-death SIGKILL (unchanged when the tools are missing). */
    static List<String> wrap(List<String> command) throws IOException {
        if (!AVAILABLE) {
            return command;
        }
        String program = command.get(0);
        if (program.contains("/") ? !Files.isExecutable(Path.of(program)) : !onPath(program)) {
            throw new IOException("Cannot run program \"" + program + "\": not found or not executable");
        }
        List<String> cmd = new ArrayList<>(List.of("setsid", "-w", "setpriv", "--pdeathsig", "KILL", "--"));
        cmd.addAll(command);
        return cmd;
    }

    /** Starts the watchdog of a started tool (its pid is its process group) and records its pid file. */
    static Optional<Process> watch(Process tool) {
        if (!AVAILABLE) {
            return Optional.empty();
        }
        recordPidFile(tool.pid());
        try {
            Process w = new ProcessBuilder("setsid", "sh", "-c", WATCHDOG, "dbautopilot-tool-watchdog",
                    Long.toString(ProcessHandle.current().pid()), Long.toString(tool.pid()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
            w.getOutputStream().close();
            return Optional.of(w);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Ends a tool's watchdog and removes its pid file (the tool ended or was killed by its owner). */
    static void done(Process tool, Optional<Process> watchdog) {
        watchdog.ifPresent(Process::destroyForcibly);
        Path dir = registry;
        if (dir != null) {
            try {
                Files.deleteIfExists(dir.resolve(tool.pid() + ".tool"));
            } catch (IOException e) {
                // a stale file is swept by the next start: its owner JVM is alive or the group is gone
            }
        }
    }

    /**
     * Stops the process groups recorded by JVMs that no longer run (SIGKILL to the group, also when its leader
     * already died) and removes their pid files; returns the groups signalled.
     */
    public static List<Long> sweep() throws IOException {
        Path dir = registry;
        List<Long> killed = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) {
            return killed;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".tool")).toList();
        }
        for (Path f : files) {
            String[] v = Files.readString(f, StandardCharsets.UTF_8).trim().split(" ");
            if (v.length < 4) {
                Files.deleteIfExists(f);
                continue;
            }
            long owner = Long.parseLong(v[0]);
            long group = Long.parseLong(v[2]);
            if (running(owner, v[1])) {
                continue;
            }
            // a live leader with another start time means the id was reused: not ours
            boolean leaderReused = ProcessHandle.of(group).flatMap(h -> h.info().startInstant())
                    .map(s -> !s.toString().equals(v[3])).orElse(false);
            if (!leaderReused && groupAlive(group)) {
                // "--": procps-ng's kill reads "kill -9 -<pgid>" as two options, signals nothing and exits 0
                Process kill = new ProcessBuilder("kill", "-s", "KILL", "--", "-" + group).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                try {
                    kill.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                killed.add(group);
            }
            Files.deleteIfExists(f);
        }
        return killed;
    }

    /** Whether any process still belongs to a process group ({@code /proc}). */
    public static boolean groupAlive(long group) {
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            return s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit))
                    .anyMatch(p -> processGroup(p).map(g -> g == group).orElse(false));
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Long> processGroup(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Optional.of(Long.parseLong(rest[2])); // state, ppid, pgrp
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static void recordPidFile(long pid) {
        Path dir = registry;
        if (dir == null) {
            return;
        }
        ProcessHandle self = ProcessHandle.current();
        String line = self.pid() + " " + self.info().startInstant().map(Instant::toString).orElse("?") + " " + pid + " "
                + ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).map(Instant::toString).orElse("?") + "\n";
        try {
            Files.writeString(dir.resolve(pid + ".tool"), line, StandardCharsets.UTF_8);
        } catch (IOException e) {
            // best effort: the watchdog and the parent-death signal still stop the tool
        }
    }

    private static boolean running(long pid, String start) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .map(h -> h.info().startInstant().map(Instant::toString).orElse("?").equals(start)).orElse(false);
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }
}
