package io.rekey.worker.app;

import io.micronaut.context.env.Environment;
import io.micronaut.context.env.DefaultEnvironment;
import io.micronaut.context.ApplicationContextConfiguration;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The defaults in application.yml resolve to whole values when no environment variable is set. */
class ApplicationDefaultsTest {

    @Test
    void defaultsWithColonsAreKeptWhole() {
        Environment environment = new DefaultEnvironment(new ApplicationContextConfiguration() {
            @Override
            public List<String> getEnvironments() {
                return List.of("defaults-check");
            }

            @Override
            public Optional<Boolean> getDeduceEnvironments() {
                return Optional.of(false);
            }
        }).start();

        assertThat(environment.getProperty("rekey.kafka.bootstrap-servers", String.class)).contains("127.0.0.1:9092");
        assertThat(environment.getProperty("rekey.registry.url", String.class)).contains("http://127.0.0.1:8081");
        assertThat(environment.getProperty("rekey.worker.store.postgres.url", String.class)).contains("jdbc:postgresql://127.0.0.1:5432/postgres");
        assertThat(environment.getProperty("rekey.worker.session-timeout", String.class)).contains("30s");
    }
}
