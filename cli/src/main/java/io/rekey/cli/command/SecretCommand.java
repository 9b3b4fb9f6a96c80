package io.rekey.cli.command;

import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;
import io.rekey.cli.options.ConnectionOptions;
import io.rekey.cli.options.OutputOptions;
import io.rekey.cli.options.StoreOptions;
import io.rekey.cli.render.Json;
import io.rekey.cli.render.Table;
import io.rekey.cli.rotation.Reachability;
import io.rekey.cli.rotation.RegistrySnapshot;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.client.KafkaClients;
import io.rekey.store.Label;
import io.rekey.store.SecretMetadata;
import io.rekey.store.SecretStore;
import io.rekey.store.SecretValue;
import io.rekey.store.StoreConflictException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

/** {@code rekey secret put|versions}: import a value into the store, list versions and labels (never values). */
@Command(name = "secret", mixinStandardHelpOptions = true, description = "The secret store: import a value, list versions.",
        subcommands = {SecretCommand.Put.class, SecretCommand.Versions.class})
public final class SecretCommand implements Runnable {

    @Override
    public void run() {
        throw new CliException(RekeyCli.EXIT_USAGE, "choose one of: rekey secret put | versions");
    }

    /** Where a registered secret lives in the store. */
    static String storePath(ConnectionOptions connection, String secretId) {
        KafkaClients clients = connection.clients();
        Reachability.requireKafka(clients);
        return RegistrySnapshot.read(clients).find(secretId).map(SecretDescriptor::getStorePath)
                .orElseThrow(() -> new CliException(RekeyCli.EXIT_USAGE, "secret " + secretId + " is not registered"));
    }

    @Command(name = "put", mixinStandardHelpOptions = true,
            description = {"Store a value as the CURRENT version of a registered secret (the previous CURRENT becomes PREVIOUS): "
                    + "adopt an existing credential, or give an adapter its admin login.",
                    "The value is read from a file or standard input, never from the command line. A rotation in flight for "
                            + "the secret is abandoned, as a manual write should."})
    static final class Put implements Callable<Integer> {

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        ConnectionOptions connection;

        @Mixin
        StoreOptions store;

        @Parameters(paramLabel = "SECRET_ID", description = "Registry id of the secret.")
        String secretId;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        static final class Source {
            @Option(names = "--value-file", paramLabel = "FILE", description = "Read the value from FILE (one trailing newline is dropped).")
            Path file;

            @Option(names = "--stdin", description = "Read the value from standard input (one trailing newline is dropped).")
            boolean stdin;
        }

        @Option(names = "--username", paramLabel = "USER",
                description = "Store {\"username\": USER, \"password\": value}, the form account targets with two users expect.")
        String username;

        @Override
        public Integer call() throws IOException {
            String path = storePath(connection, secretId);
            byte[] raw = source.file != null ? Files.readAllBytes(source.file) : System.in.readAllBytes();
            String text = new String(raw, StandardCharsets.UTF_8);
            if (text.endsWith("\n")) {
                text = text.substring(0, text.length() - 1);
            }
            if (text.isEmpty()) {
                throw new CliException(RekeyCli.EXIT_USAGE, "the value is empty");
            }
            String value = username == null ? text : Json.line(Map.of("username", username, "password", text));
            SecretStore secrets = store.open();
            String version = UUID.randomUUID().toString();
            String current = secrets.describe(path).flatMap(m -> m.versionWith(Label.CURRENT)).orElse(null);
            try (SecretValue secret = SecretValue.of(value)) {
                secrets.putCurrent(path, version, secret, current);
            } catch (StoreConflictException e) {
                throw new CliException(RekeyCli.EXIT_FAILED, "the secret changed while writing; nothing was stored, try again: " + e.getMessage());
            }
            spec.commandLine().getOut().println("stored version " + version + " of " + secretId + " as CURRENT"
                    + (current == null ? "" : " (version " + current + " is now PREVIOUS)"));
            return RekeyCli.EXIT_OK;
        }
    }

    @Command(name = "versions", mixinStandardHelpOptions = true, description = "The versions of a secret and their labels (never values).")
    static final class Versions implements Callable<Integer> {

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        ConnectionOptions connection;

        @Mixin
        StoreOptions store;

        @Mixin
        OutputOptions output;

        @Parameters(paramLabel = "SECRET_ID", description = "Registry id of the secret.")
        String secretId;

        @Override
        public Integer call() {
            SecretMetadata metadata = store.open().describe(storePath(connection, secretId))
                    .orElseThrow(() -> new CliException(RekeyCli.EXIT_FAILED, secretId + " has no value in the store yet"));
            PrintWriter out = spec.commandLine().getOut();
            if (output.json()) {
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("secretId", secretId);
                result.put("versions", metadata.versionIds());
                result.put("labels", metadata.labels());
                Json.print(out, result);
            } else {
                Table table = new Table("VERSION", "LABELS");
                metadata.versionIds().forEach(v -> table.row(v, metadata.labelsOf(v).isEmpty() ? "-" : metadata.labelsOf(v)));
                table.print(out);
            }
            return RekeyCli.EXIT_OK;
        }
    }
}
