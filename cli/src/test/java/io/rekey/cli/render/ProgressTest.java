package io.rekey.cli.render;

import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTest {

    @Test
    void withoutATerminalEveryUpdateIsAWholeReadableLineWithoutControlCharacters() {
        StringWriter text = new StringWriter();
        Progress progress = new Progress(new PrintWriter(text), false, 50, Duration.ZERO);

        progress.update(0, 0, 5, Duration.ofSeconds(1), false);
        progress.update(10, 1, 5, Duration.ofSeconds(4), false);
        progress.update(10, 1, 5, Duration.ofSeconds(5), false); // unchanged: not repeated
        progress.update(50, 0, 0, Duration.ofSeconds(20), true);
        progress.finish();

        assertThat(text.toString()).doesNotContain("\r").doesNotContain("\u001b").isEqualTo(
                "progress: 0/50 done, 0 failed, 5 in flight, 0.0/s, elapsed 00:00:01\n"
                        + "progress: 10/50 done, 1 failed, 5 in flight, 2.8/s, elapsed 00:00:04\n"
                        + "progress: 50/50 done, 0 failed, 0 in flight, 2.5/s, elapsed 00:00:20\n");
    }

    @Test
    void withoutATerminalUpdatesAreThrottled() {
        StringWriter text = new StringWriter();
        Progress progress = new Progress(new PrintWriter(text), false, 10, Duration.ofHours(1));

        for (int i = 0; i <= 10; i++) {
            progress.update(i, 0, 1, Duration.ofSeconds(i + 1), false);
        }

        assertThat(text.toString().lines()).hasSize(1);
    }

    @Test
    void onATerminalOneLineIsRedrawnWithABar() {
        StringWriter text = new StringWriter();
        Progress progress = new Progress(new PrintWriter(text), true, 4, Duration.ZERO);

        progress.update(1, 0, 2, Duration.ofSeconds(2), false);
        progress.update(3, 1, 0, Duration.ofSeconds(65), false);
        progress.finish();

        assertThat(text.toString()).startsWith("\r[" + "#".repeat(8) + "-".repeat(22) + "] 1/4 done, 0 failed, 2 in flight")
                .contains("\r[" + "#".repeat(30) + "] 3/4 done, 1 failed, 0 in flight  0.1/s  00:01:05")
                .endsWith("\n");
    }
}
