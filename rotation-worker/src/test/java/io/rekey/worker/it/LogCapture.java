package io.rekey.worker.it;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Everything logged while it is open, at DEBUG for rekey and for the clients the adapters use (so a credential a
 * driver prints at DEBUG is caught too): messages, arguments, exception messages and causes.
 */
final class LogCapture implements AutoCloseable {

    private static final List<String> VERBOSE = List.of("io.rekey", "org.postgresql", "org.mariadb", "redis.clients", "com.rabbitmq",
            "com.nimbusds", "jdk.internal.httpclient");

    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger root;
    private final Map<Logger, Level> levels = new HashMap<>();

    private LogCapture() {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        appender.setContext(context);
        appender.start();
        root.addAppender(appender);
        for (String name : VERBOSE) {
            Logger logger = context.getLogger(name);
            levels.put(logger, logger.getLevel());
            logger.setLevel(Level.DEBUG);
        }
    }

    static LogCapture start() {
        return new LogCapture();
    }

    /** All captured text. Appends hold the appender's lock (AppenderBase.doAppend), so reads take the same one. */
    String text() {
        synchronized (appender) {
            return appender.list.stream().map(LogCapture::render).collect(Collectors.joining("\n"));
        }
    }

    int size() {
        synchronized (appender) {
            return appender.list.size();
        }
    }

    /** Fails if any captured line holds any of {@code values}. */
    void assertNoneOf(String... values) {
        String text = text();
        assertThat(size()).as("log lines captured").isPositive();
        for (String value : values) {
            assertThat(value).as("a credential to look for").hasSizeGreaterThan(8);
            assertThat(text).as("logs must not contain a credential").doesNotContain(value);
        }
    }

    private static String render(ILoggingEvent event) {
        StringBuilder out = new StringBuilder(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            out.append(" | ").append(t.getClassName()).append(": ").append(t.getMessage());
        }
        return out.toString();
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        levels.forEach(Logger::setLevel);
    }
}
