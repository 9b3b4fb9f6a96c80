package io.rekey.devstack;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A supervised child process that cannot outlive this JVM.
 *
 * <p>The command runs under a small bash wrapper holding a "lifeline": the wrapper reads this JVM's end
 * of a pipe and stops the child as soon as the pipe closes. The pipe closes when {@link #stop} is called
 * and also when this JVM dies for any reason, including {@code kill -9}, so a crashed test run or a
 * killed dev stack leaves no broker or registry behind.
 */
public final class ChildProcess implements AutoCloseable {

    // $1: seconds to wait after SIGTERM before SIGKILL; the rest: the command.
    private static final String LIFELINE = String.join("\n",
            "grace=$1; shift",
            "exec 3<&0",
            "\"$@\" </dev/null &",
            "child=$!",
            // A zombie still answers kill -0 until some init reaps it; its state says it is gone.
            "gone() { case \"$(ps -o stat= -p \"$1\" 2>/dev/null)\" in ''|Z*) return 0;; esac; return 1; }",
            "( while read -r _ <&3; do :; done; kill -TERM \"$child\" 2>/dev/null;",
            "  for _ in $(seq 1 $((grace * 10))); do gone \"$child\" && exit 0; sleep 0.1; done;",
            "  kill -KILL \"$child\" 2>/dev/null ) &",
            "watcher=$!",
            "trap 'kill -TERM \"$child\" 2>/dev/null' TERM INT",
            "status=0",
            "until gone \"$child\"; do wait \"$child\"; status=$?; done",
            // Reap the watcher here: an orphan would linger as a zombie until init gets to it.
            "kill \"$watcher\" 2>/dev/null; wait \"$watcher\" 2>/dev/null",
            "exit $status");

    private final String name;
    private final Process process;
    private final OutputStream lifeline;
    private final Path logFile;

    private ChildProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.lifeline = process.getOutputStream();
        this.logFile = logFile;
    }

    /**
     * Starts {@code command} with its stdout and stderr appended to {@code logFile}.
     *
     * @param stopGrace how long the child gets to stop after SIGTERM before it is killed
     */
    public static ChildProcess start(String name, List<String> command, Path logFile, Map<String, String> environment,
                                     Duration stopGrace) throws IOException {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(command, "command must not be null");
        Objects.requireNonNull(logFile, "logFile must not be null");
        Files.createDirectories(logFile.toAbsolutePath().getParent());
        List<String> wrapped = new ArrayList<>(List.of("bash", "-c", LIFELINE, "lifeline",
                Long.toString(Math.max(1, stopGrace.toSeconds()))));
        wrapped.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(wrapped)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        builder.environment().putAll(environment);
        return new ChildProcess(name, builder.start(), logFile);
    }

    public String name() {
        return name;
    }

    /** Pid of the wrapper; the real process is its only child. */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path logFile() {
        return logFile;
    }

    /** The last lines of the log, to explain why a process did not come up. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(logFile);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + logFile + ")";
        }
    }

    /**
     * Asks the child to stop (SIGTERM) and waits up to {@code timeout} for the whole process tree (wrapper,
     * child and the lifeline's watcher) to exit; kills what is left after that.
     */
    public void stop(Duration timeout) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        try {
            lifeline.close();
        } catch (IOException ignored) {
            // The wrapper already exited.
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle handle : tree) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                handle.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // killed below
            }
        }
        for (ProcessHandle handle : tree) {
            if (handle.isAlive()) {
                handle.destroyForcibly();
                handle.onExit().completeOnTimeout(handle, 5, TimeUnit.SECONDS).join();
            }
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(15));
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ", log " + logFile + ")";
    }
}
