package dev.minilab.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minilab.runtime.MiniLabException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyGeneratorTest {

    private static final List<String> TEAM = List.of("Architect_Zero", "DevOps_Builder", "User");

    @Test
    void createsOnePairPerSenderWithPrivateFilesOwnerOnly(@TempDir Path keys) throws Exception {
        KeyGenerator.Result result = KeyGenerator.generate(keys, TEAM);

        assertThat(result.created()).containsExactlyElementsOf(TEAM);
        assertThat(result.kept()).isEmpty();
        for (String sender : TEAM) {
            Path priv = KeyGenerator.privateKeyFile(keys, sender);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv.getParent())))
                    .isEqualTo("rwx------");
            assertThat(Files.readString(priv)).startsWith("-----BEGIN PRIVATE" + " KEY-----");
            assertThat(Files.readString(keys.resolve("public").resolve(sender + ".pub")))
                    .startsWith("-----BEGIN PUBLIC KEY-----");
        }
        assertThat(KeyRing.load(KeyGenerator.privateKeyFile(keys, "User"), KeyGenerator.publicKeysDir(keys)).senders())
                .containsExactlyInAnyOrderElementsOf(TEAM);
    }

    @Test
    void existingKeysAreNeverOverwritten(@TempDir Path keys) throws Exception {
        KeyGenerator.generate(keys, List.of("User"));
        Path priv = KeyGenerator.privateKeyFile(keys, "User");
        String before = Files.readString(priv);
        String pubBefore = Files.readString(keys.resolve("public/User.pub"));

        KeyGenerator.Result second = KeyGenerator.generate(keys, TEAM);

        assertThat(second.kept()).containsExactly("User");
        assertThat(second.created()).containsExactly("Architect_Zero", "DevOps_Builder");
        assertThat(Files.readString(priv)).isEqualTo(before);
        assertThat(Files.readString(keys.resolve("public/User.pub"))).isEqualTo(pubBefore);
    }

    @Test
    void halfPresentPairIsAnErrorThatSaysWhatToDoAndTouchesNothing(@TempDir Path keys) throws Exception {
        KeyGenerator.generate(keys, List.of("User"));
        Files.delete(keys.resolve("public/User.pub"));
        String before = Files.readString(KeyGenerator.privateKeyFile(keys, "User"));

        assertThatThrownBy(() -> KeyGenerator.generate(keys, List.of("User")))
                .isInstanceOf(MiniLabException.class)
                .hasMessageContaining("incomplete")
                .hasMessageContaining("Restore the missing file");
        assertThat(Files.readString(KeyGenerator.privateKeyFile(keys, "User"))).isEqualTo(before);
        assertThat(keys.resolve("public/User.pub")).doesNotExist();
    }

    @Test
    void folderPreCreatedByDockerWithOpenModeIsTightened(@TempDir Path keys) throws Exception {
        Path dockerMade = Files.createDirectories(keys.resolve("private/User"));
        Files.setPosixFilePermissions(dockerMade, PosixFilePermissions.fromString("rwxr-xr-x"));

        KeyGenerator.generate(keys, List.of("User"));

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dockerMade))).isEqualTo("rwx------");
    }

    @Test
    void senderNamesThatCouldEscapeTheFolderAreRefused(@TempDir Path keys) {
        assertThatThrownBy(() -> KeyGenerator.generate(keys, List.of("../etc")))
                .isInstanceOf(MiniLabException.class).hasMessageContaining("letters, digits");
    }
}
