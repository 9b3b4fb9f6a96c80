package io.rekey.audit.app;

import io.rekey.audit.config.AuditSettings;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** application.yml lists exactly the settings of {@link AuditSettings}, each as ${ENV_VAR:default}. */
class ApplicationYamlTest {

    @Test
    void everyAuditSettingIsInApplicationYamlWithItsVariableAndDefault() throws Exception {
        Map<String, String> yaml = new LinkedHashMap<>();
        try (InputStream in = getClass().getResourceAsStream("/application.yml")) {
            flatten("", new Yaml().load(in), yaml);
        }
        Map<String, String> audit = new LinkedHashMap<>();
        yaml.forEach((key, value) -> {
            if (key.startsWith(AuditSettings.PREFIX)) {
                audit.put(key, value);
            }
        });
        Map<String, String> expected = new LinkedHashMap<>();
        for (AuditSettings.Setting setting : AuditSettings.ALL) {
            expected.put(setting.key(), "${" + setting.env() + ":" + setting.defaultValue() + "}");
        }
        assertThat(audit).containsExactlyEntriesOf(expected);
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object node, Map<String, String> out) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(prefix.isEmpty() ? k.toString() : prefix + "." + k, v, out));
        } else {
            out.put(prefix, String.valueOf(node));
        }
    }
}
