package io.rekey.cli.command;

import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;
import io.rekey.cli.dev.DevKeys;
import io.rekey.cli.options.ConnectionOptions;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.registry.ConfluentRegistryClient;
import io.rekey.schema.registry.SchemaRegistrar;
import io.rekey.schema.topic.TopicInstaller;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code rekey setup}: what a deployment needs before the services start (docker-compose.yml runs both steps). */
@Command(name = "setup", mixinStandardHelpOptions = true,
        description = "Prepare a deployment: key files, then topics and schemas.",
        subcommands = {SetupCommand.Keys.class, SetupCommand.Kafka.class})
public final class SetupCommand implements Runnable {

    @Override
    public void run() {
        throw new CliException(RekeyCli.EXIT_USAGE, "choose one of: rekey setup keys | kafka");
    }

    @Command(name = "keys", mixinStandardHelpOptions = true,
            description = {"Create the key files the services read (files that exist are kept): issuer key pairs (issuers/*.pub "
                    + "are what the worker trusts), the fingerprint key, the store's Tink keyset, the lifecycle API's token "
                    + "secret, and passwords for the store database and a Vault dev server. Prints file names, never contents."})
    static final class Keys implements Callable<Integer> {

        /** Files docker-compose.yml reads besides {@link DevKeys}'s: the store database's password and a Vault dev root token. */
        static final List<String> PASSWORD_FILES = List.of("store-db.password", "vault.token");

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Where the key files go (created, mode 700).")
        Path dir;

        @Override
        public Integer call() throws IOException {
            DevKeys.ensure(dir);
            for (String name : PASSWORD_FILES) {
                Path file = dir.resolve(name);
                if (!Files.exists(file)) {
                    byte[] random = new byte[24];
                    new SecureRandom().nextBytes(random);
                    Files.writeString(file, HexFormat.of().formatHex(random));
                    ownerOnly(file, "rw-------");
                }
            }
            ownerOnly(dir, "rwx------");
            PrintWriter out = spec.commandLine().getOut();
            try (var files = Files.walk(dir)) {
                files.filter(Files::isRegularFile).map(dir::relativize).sorted().forEach(f -> out.println(dir.resolve(f)));
            }
            return RekeyCli.EXIT_OK;
        }

        private static void ownerOnly(Path path, String mode) throws IOException {
            try {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system
            }
        }
    }

    @Command(name = "kafka", mixinStandardHelpOptions = true,
            description = "Create the catalogue's missing topics and register every schema with FULL compatibility (idempotent).")
    static final class Kafka implements Callable<Integer> {

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        ConnectionOptions connection;

        @Option(names = "--replication-factor", defaultValue = "1", paramLabel = "N",
                description = "Replication factor of the topics it creates (default ${DEFAULT-VALUE}; 3 in production).")
        short replicationFactor;

        @Override
        public Integer call() {
            KafkaClients clients = connection.clients();
            PrintWriter out = spec.commandLine().getOut();
            try (Admin admin = Admin.create(clients.adminConfig())) {
                List<String> created = new TopicInstaller(admin, replicationFactor).installAll();
                out.println(created.isEmpty() ? "topics already exist" : "created topics " + created);
            } catch (IllegalArgumentException e) {
                throw new CliException(RekeyCli.EXIT_USAGE, e.getMessage());
            }
            Map<String, Integer> ids = new SchemaRegistrar(new ConfluentRegistryClient(clients.registry())).registerAll();
            out.println("registered " + ids.size() + " schemas");
            return RekeyCli.EXIT_OK;
        }
    }
}
