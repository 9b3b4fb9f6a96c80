package io.rekey.deploy;

import io.rekey.audit.config.AuditSettings;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * docs/configuration.md, made from the services' application.yml files: every {@code ${REKEY_X:default}} placeholder
 * (key, variable, default, meaning) and every other {@code rekey.*} value fixed in the file. A meaning is the comment
 * right above the line, else the audit stream's own table ({@link AuditSettings#ALL}).
 */
final class ConfigurationReference {

    static final String FILE = "docs/configuration.md";

    private static final Pattern LINE = Pattern.compile("^( *)([A-Za-z0-9_.-]+):\\s*(.*)$");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(REKEY_[A-Z0-9_]+):([^}]*)}");

    /** One line of an application.yml that sets a value. */
    record Entry(String key, String variable, String defaultValue, String meaning) {
    }

    private ConfigurationReference() {
    }

    static String render() {
        StringBuilder md = new StringBuilder("""
                # Configuration reference

                <!-- Generated from each service's src/main/resources/application.yml by deploy's ConfigurationReferenceTest;
                     do not edit by hand. Rewrite it with:
                     mvn -B -pl deploy -am test -Dtest=ConfigurationReferenceTest -Drekey.docs.write=true -->

                Every service reads each setting from its environment variable, else from the key in its `application.yml`
                (the default below). The settings of the second table in each section have no variable of their own: they are
                fixed in `application.yml`. File settings (`..._FILE`, `..._DIR`) name files; no setting carries a secret value,
                except the lifecycle service's `REKEY_LIFECYCLE_JWT_SECRET` (see [deployment.md](deployment.md)).
                """);
        for (String module : Repo.SERVICES) {
            List<Entry> entries = entries(Repo.read(Repo.applicationYml(module)));
            md.append("\n## ").append(module).append("\n\n");
            md.append("| key | environment variable | default | meaning |\n|---|---|---|---|\n");
            for (Entry e : entries) {
                if (e.variable() != null) {
                    md.append("| `").append(e.key()).append("` | `").append(e.variable()).append("` | ")
                            .append(e.defaultValue().isEmpty() ? "(none)" : code(e.defaultValue())).append(" | ")
                            .append(cell(e.meaning())).append(" |\n");
                }
            }
            List<Entry> fixed = entries.stream().filter(e -> e.variable() == null).toList();
            if (!fixed.isEmpty()) {
                md.append("\nFixed in `").append(module).append("/src/main/resources/application.yml`:\n\n");
                md.append("| key | value | meaning |\n|---|---|---|\n");
                for (Entry e : fixed) {
                    md.append("| `").append(e.key()).append("` | ").append(code(e.defaultValue())).append(" | ")
                            .append(cell(e.meaning())).append(" |\n");
                }
            }
        }
        return md.toString();
    }

    /** The value lines of a yml file: those with a REKEY_ placeholder, and the other scalars under {@code rekey.}. */
    static List<Entry> entries(String yml) {
        Map<String, String> auditMeanings = AuditSettings.ALL.stream()
                .collect(Collectors.toMap(AuditSettings.Setting::env, AuditSettings.Setting::description));
        List<Entry> entries = new ArrayList<>();
        Deque<int[]> indents = new ArrayDeque<>();
        Deque<String> path = new ArrayDeque<>();
        List<String> comment = new ArrayList<>();
        for (String line : yml.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.startsWith("#")) {
                comment.add(trimmed.substring(1).strip());
                continue;
            }
            Matcher m = LINE.matcher(line);
            if (trimmed.isEmpty() || !m.matches()) {
                comment.clear();
                continue;
            }
            int indent = m.group(1).length();
            while (!indents.isEmpty() && indents.peek()[0] >= indent) {
                indents.pop();
                path.removeLast();
            }
            indents.push(new int[] {indent});
            path.addLast(m.group(2));
            String key = String.join(".", path);
            String value = m.group(3);
            Matcher p = PLACEHOLDER.matcher(value);
            String meaning = String.join(" ", comment);
            comment.clear();
            if (p.find()) {
                if (meaning.isEmpty()) {
                    meaning = auditMeanings.getOrDefault(p.group(1), "");
                }
                entries.add(new Entry(key, p.group(1), p.group(2).replace("`", ""), meaning));
            } else if (!value.isEmpty() && key.startsWith("rekey.")) {
                entries.add(new Entry(key, null, unquote(value), meaning));
            }
        }
        return entries;
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
    }

    private static String code(String value) {
        return "`" + value.replace("|", "\\|") + "`";
    }

    private static String cell(String text) {
        return text.replace("|", "\\|");
    }
}
