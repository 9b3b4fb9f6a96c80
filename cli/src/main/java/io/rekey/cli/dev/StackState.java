package io.rekey.cli.dev;

import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/** The running dev stack's pid and addresses, so {@code dev down} and {@code dev status} can find it. */
final class StackState {

    private final Path file;

    StackState(Path file) {
        this.file = file;
    }

    void refuseIfRunning() {
        Optional<ProcessHandle> running = runningProcess();
        if (running.isPresent()) {
            throw new CliException(RekeyCli.EXIT_USAGE, "a dev stack is already running (pid " + running.get().pid()
                    + "): stop it with ./rekey dev down");
        }
        clear();
    }

    void write(long pid, Map<String, String> addresses) throws IOException {
        Properties props = new Properties();
        props.setProperty("pid", Long.toString(pid));
        ProcessHandle.of(pid).flatMap(h -> h.info().startInstant())
                .ifPresent(t -> props.setProperty("started", Long.toString(t.toEpochMilli())));
        addresses.forEach(props::setProperty);
        Files.createDirectories(file.getParent());
        try (Writer out = Files.newBufferedWriter(file)) {
            props.store(out, "rekey dev stack");
        }
    }

    Properties read() {
        Properties props = new Properties();
        if (Files.exists(file)) {
            try (Reader in = Files.newBufferedReader(file)) {
                props.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return props;
    }

    /** The process of a dev stack that is up, if one is. */
    Optional<ProcessHandle> runningProcess() {
        Properties props = read();
        String pid = props.getProperty("pid");
        if (pid == null) {
            return Optional.empty();
        }
        // A pid alone could have been reused by an unrelated process since; the start time tells them apart.
        String started = props.getProperty("started");
        return ProcessHandle.of(Long.parseLong(pid)).filter(ProcessHandle::isAlive)
                .filter(h -> started == null || h.info().startInstant()
                        .map(t -> Long.toString(t.toEpochMilli()).equals(started)).orElse(true));
    }

    void clear() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
