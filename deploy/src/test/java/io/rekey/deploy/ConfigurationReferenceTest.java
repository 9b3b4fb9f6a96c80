package io.rekey.deploy;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigurationReferenceTest {

    @Test
    void theCommittedReferenceIsTheOneTheApplicationYmlFilesMake() throws Exception {
        String generated = ConfigurationReference.render();
        Path file = Repo.path(ConfigurationReference.FILE);
        if (Boolean.getBoolean("rekey.docs.write")) {
            Files.writeString(file, generated);
        }
        assertThat(file).as("run with -Drekey.docs.write=true to create it").exists();
        assertThat(Files.readString(file)).as("%s is out of date: run this test with -Drekey.docs.write=true", ConfigurationReference.FILE)
                .isEqualTo(generated);
    }

    @Test
    void everyPlaceholderOfEveryServiceIsListedWithItsDefault() {
        String reference = ConfigurationReference.render();
        int placeholders = 0;
        for (String module : Repo.SERVICES) {
            var m = java.util.regex.Pattern.compile("\\$\\{(REKEY_[A-Z0-9_]+):").matcher(Repo.read(Repo.applicationYml(module)));
            while (m.find()) {
                assertThat(reference).contains("`" + m.group(1) + "`");
                placeholders++;
            }
        }
        assertThat(placeholders).isGreaterThan(100);
    }

    @Test
    void everyRekeySettingSaysWhatItMeans() {
        for (String module : Repo.SERVICES) {
            for (ConfigurationReference.Entry e : ConfigurationReference.entries(Repo.read(Repo.applicationYml(module)))) {
                if (e.variable() != null || e.key().startsWith("rekey.")) {
                    assertThat(e.meaning()).as("%s in %s: add a comment above it in application.yml", e.key(), module).isNotBlank();
                }
            }
        }
    }

    @Test
    void readsKeysDefaultsAndMeaningsOutOfYml() {
        List<ConfigurationReference.Entry> entries = ConfigurationReference.entries("""
                micronaut:
                  server:
                    port: ${REKEY_X_HTTP_PORT:8091}
                rekey:
                  kafka:
                    bootstrap-servers: ${REKEY_KAFKA_BOOTSTRAP_SERVERS:`127.0.0.1:9092`}
                  x:
                    # How many at once.
                    concurrency: "${REKEY_X_CONCURRENCY:3}"
                    max-attempts: 3
                    store:
                      url: ${REKEY_X_URL:}
                  audit:
                    grace: "${REKEY_AUDIT_GRACE:PT5M}"
                """);
        assertThat(entries).containsExactly(
                new ConfigurationReference.Entry("micronaut.server.port", "REKEY_X_HTTP_PORT", "8091", ""),
                new ConfigurationReference.Entry("rekey.kafka.bootstrap-servers", "REKEY_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092", ""),
                new ConfigurationReference.Entry("rekey.x.concurrency", "REKEY_X_CONCURRENCY", "3", "How many at once."),
                new ConfigurationReference.Entry("rekey.x.max-attempts", null, "3", ""),
                new ConfigurationReference.Entry("rekey.x.store.url", "REKEY_X_URL", "", ""),
                new ConfigurationReference.Entry("rekey.audit.grace", "REKEY_AUDIT_GRACE", "PT5M",
                        io.rekey.audit.config.AuditSettings.ALL.stream().filter(s -> s.name().equals("grace")).findFirst().orElseThrow().description()));
    }
}
