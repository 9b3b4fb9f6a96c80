package io.rekey.devstack;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ChildProcessIT {

    /** Run in a separate JVM by the test: starts a long sleep as a child and prints the sleep's pid. */
    public static void main(String[] args) throws Exception {
        ChildProcess child = ChildProcess.start("sleeper", List.of("sleep", "300"), Path.of(args[0]), Map.of(), Duration.ofSeconds(2));
        long sleepPid = awaitOnlyChild(child.pid());
        System.out.println("child " + sleepPid);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    @Test
    void childDiesWhenItsParentJvmIsKilled() throws Exception {
        Path log = Files.createTempFile("lifeline", ".log");
        Process parent = new ProcessBuilder(Distribution.javaExecutable(), "-cp", System.getProperty("java.class.path"),
                ChildProcessIT.class.getName(), log.toString()).redirectErrorStream(true).start();
        long sleepPid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = out.readLine();
            } while (line != null && !line.startsWith("child "));
            assertThat(line).as("parent JVM printed its child's pid").isNotNull();
            sleepPid = Long.parseLong(line.substring("child ".length()));
            assertThat(ProcessHandle.of(sleepPid)).map(ProcessHandle::isAlive).contains(true);

            parent.destroyForcibly(); // SIGKILL: no shutdown hook runs
            parent.waitFor(10, TimeUnit.SECONDS);
        }

        assertThat(awaitGone(sleepPid, Duration.ofSeconds(10))).as("child of a killed JVM is gone").isTrue();
    }

    @Test
    void stopTerminatesTheChildAndItsWrapper() throws Exception {
        Path log = Files.createTempFile("lifeline", ".log");
        ChildProcess child = ChildProcess.start("sleeper", List.of("sleep", "300"), log, Map.of(), Duration.ofSeconds(2));
        long sleepPid = awaitOnlyChild(child.pid());

        child.stop(Duration.ofSeconds(10));

        assertThat(child.isAlive()).isFalse();
        assertThat(awaitGone(sleepPid, Duration.ofSeconds(5))).isTrue();
    }

    private static long awaitOnlyChild(long wrapperPid) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            Optional<ProcessHandle> child = ProcessHandle.of(wrapperPid).flatMap(h -> h.children()
                    .filter(c -> c.info().command().map(cmd -> cmd.endsWith("sleep")).orElse(false)).findFirst());
            if (child.isPresent()) {
                return child.get().pid();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("wrapper " + wrapperPid + " started no child");
    }

    private static boolean awaitGone(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
