package io.rekey.cli.command;

import io.rekey.cli.CliRun;
import io.rekey.cli.RekeyCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class SetupKeysTest {

    @Test
    void createsEveryKeyFileOwnerOnlyAndPrintsNamesNotContents(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("keys");

        CliRun run = CliRun.of("setup", "keys", "--dir", dir.toString());

        assertThat(run.exitCode()).as(run.err()).isEqualTo(RekeyCli.EXIT_OK);
        assertThat(dir.resolve("issuers/dev-cli.pub")).exists();
        assertThat(dir.resolve("issuers/dev-lifecycle.pub")).exists();
        for (String name : List.of("dev-cli.key", "dev-lifecycle.key", "fingerprint.key", "store-keyset.json",
                "lifecycle-jwt.secret", "store-db.password", "vault.token")) {
            Path file = dir.resolve(name);
            assertThat(Files.getPosixFilePermissions(file)).as(name).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(run.out()).contains(file.toString());
            String content = Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1).trim();
            assertThat(run.out()).as("%s's content is printed", name).doesNotContain(content);
        }
        assertThat(Files.readString(dir.resolve("store-db.password"))).matches("[0-9a-f]{48}");
        assertThat(Files.getPosixFilePermissions(dir)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void aSecondRunKeepsEveryExistingFile(@TempDir Path dir) throws Exception {
        assertThat(CliRun.of("setup", "keys", "--dir", dir.toString()).exitCode()).isZero();
        Map<Path, byte[]> before = contents(dir);

        assertThat(CliRun.of("setup", "keys", "--dir", dir.toString()).exitCode()).isZero();

        Map<Path, byte[]> after = contents(dir);
        assertThat(after.keySet()).isEqualTo(before.keySet());
        before.forEach((file, bytes) -> assertThat(after.get(file)).as(file.toString()).isEqualTo(bytes));
    }

    private static Map<Path, byte[]> contents(Path dir) throws Exception {
        Map<Path, byte[]> all = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                all.put(dir.relativize(file), Files.readAllBytes(file));
            }
        }
        return all;
    }
}
