package io.rekey.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** docker-compose.yml against the code: what it builds exists, what it sets is read, what it waits on can be healthy. */
class ComposeTest {

    private static final Pattern REKEY_VARIABLE = Pattern.compile("\\bREKEY_[A-Z0-9_]+");
    private static final Pattern HTTP_PORT = Pattern.compile("port: \\$\\{REKEY_[A-Z]+_HTTP_PORT:(\\d+)}");

    private final JsonNode services = Repo.yaml("docker-compose.yml").path("services");

    @Test
    void everyBuiltServiceIsAModuleWithADockerfileThatCopiesItsJar() {
        Map<String, String> built = builtModules();
        assertThat(built.values()).containsAll(Repo.SERVICES);
        built.forEach((service, module) -> {
            assertThat(Repo.modules()).as("%s builds %s", service, module).contains(module);
            Path dockerfile = Repo.path(module).resolve("Dockerfile");
            assertThat(dockerfile).as("%s's Dockerfile", module).exists();
            String artifact = artifactId(module);
            assertThat(Repo.read(dockerfile)).as("%s's Dockerfile copies the module's own jar", module)
                    .containsPattern("COPY target/(" + Pattern.quote(artifact + "-*-all.jar") + "|" + finalName(module) + ") ");
        });
    }

    @Test
    void everyRekeyVariableItSetsIsOneThatServiceReads() {
        Map<String, String> built = builtModules();
        int checked = 0;
        for (Map.Entry<String, String> e : built.entrySet()) {
            Set<String> variables = rekeyVariables(services.get(e.getKey()));
            String module = e.getValue();
            String yml = Files.exists(Repo.applicationYml(module)) ? Repo.read(Repo.applicationYml(module)) : "";
            for (String variable : variables) {
                boolean inYml = yml.contains("${" + variable + ":") || yml.contains("${" + variable + "}");
                boolean inCode = Repo.mainSources(module).stream().anyMatch(f -> Repo.read(f).contains("\"" + variable + "\""));
                assertThat(inYml || inCode).as("%s sets %s, which %s neither has as a placeholder in application.yml nor reads in code",
                        e.getKey(), variable, module).isTrue();
                checked++;
            }
        }
        assertThat(checked).as("variables checked").isGreaterThanOrEqualTo(10);
    }

    @Test
    void noSecretValueIsSetInTheFile() {
        services.fields().forEachRemaining(service -> service.getValue().path("environment").fields().forEachRemaining(env -> {
            if (env.getKey().matches("(.*_)?(SECRET|PASSWORD|TOKEN|KEY|KEYSET)(_.*)?")) {
                assertThat(env.getKey()).as("%s of %s must name a file (or an id), not carry a value", env.getKey(), service.getKey())
                        .matches(".*_(FILE|DIR|ID)");
            }
        }));
    }

    @Test
    void everyServiceWaitedOnAsHealthyHasAHealthCheck() {
        List<String> waitedOn = new ArrayList<>();
        services.fields().forEachRemaining(service -> service.getValue().path("depends_on").fields().forEachRemaining(dep -> {
            String condition = dep.getValue().path("condition").asText();
            assertThat(condition).as("%s on %s", service.getKey(), dep.getKey())
                    .isIn("service_healthy", "service_completed_successfully");
            assertThat(services.has(dep.getKey())).as("%s depends on %s", service.getKey(), dep.getKey()).isTrue();
            if (condition.equals("service_healthy")) {
                assertThat(services.get(dep.getKey()).path("healthcheck").path("test").isArray())
                        .as("%s waits for %s to be healthy", service.getKey(), dep.getKey()).isTrue();
                waitedOn.add(dep.getKey());
            }
        }));
        assertThat(waitedOn).contains("kafka", "registry", "postgres", "rotation-worker", "audit-stream", "lifecycle-service");
    }

    @Test
    void prometheusScrapesEachServiceWhereItServesMetrics() {
        JsonNode config = Repo.yaml("deploy/prometheus/prometheus.yml");
        Map<String, String> targets = new LinkedHashMap<>();
        for (JsonNode job : config.path("scrape_configs")) {
            assertThat(job.path("metrics_path").asText()).as(job.path("job_name").asText()).isEqualTo("/prometheus");
            for (JsonNode target : job.path("static_configs").get(0).path("targets")) {
                targets.put(job.path("job_name").asText(), target.asText());
            }
        }
        assertThat(targets.keySet()).containsExactlyInAnyOrderElementsOf(Repo.SERVICES);
        for (String module : Repo.SERVICES) {
            String yml = Repo.read(Repo.applicationYml(module));
            var port = HTTP_PORT.matcher(yml);
            assertThat(port.find()).as("%s's HTTP port setting", module).isTrue();
            assertThat(yml).as("%s enables the prometheus endpoint", module).containsPattern("(?m)^  prometheus:\\n(    .*\\n)*?    enabled: true");
            assertThat(targets.get(module)).isEqualTo(module + ":" + port.group(1));
            assertThat(builtModules()).containsEntry(module, module);
            assertThat(services.get(module).path("healthcheck").toString()).contains("localhost:" + port.group(1) + "/health");
        }
    }

    /** Compose service name to the module folder it builds. */
    private Map<String, String> builtModules() {
        Map<String, String> built = new LinkedHashMap<>();
        services.fields().forEachRemaining(s -> {
            JsonNode build = s.getValue().path("build");
            if (!build.isMissingNode()) {
                String context = build.isTextual() ? build.asText() : build.path("context").asText();
                built.put(s.getKey(), context.replaceFirst("^\\./", ""));
            }
        });
        return built;
    }

    /** REKEY_* names in a service's environment and in its entrypoint or command. */
    private static Set<String> rekeyVariables(JsonNode service) {
        Set<String> names = new LinkedHashSet<>();
        service.path("environment").fieldNames().forEachRemaining(n -> {
            if (n.startsWith("REKEY_")) {
                names.add(n);
            }
        });
        for (String field : List.of("entrypoint", "command")) {
            REKEY_VARIABLE.matcher(service.path(field).toString()).results().forEach(r -> names.add(r.group()));
        }
        return names;
    }

    private static String artifactId(String module) {
        var m = Pattern.compile("</parent>\\s*<artifactId>([^<]+)</artifactId>").matcher(Repo.read(Repo.path(module).resolve("pom.xml")));
        assertThat(m.find()).as("%s's artifactId", module).isTrue();
        return m.group(1);
    }

    /** A runnable jar the module's pom names itself (the CLI's shade outputFile), as a pattern; else one matching nothing. */
    private static String finalName(String module) {
        var m = Pattern.compile("<outputFile>\\$\\{project.build.directory}/([^<]+)</outputFile>")
                .matcher(Repo.read(Repo.path(module).resolve("pom.xml")));
        return m.find() ? Pattern.quote(m.group(1)) : "(?!)";
    }
}
