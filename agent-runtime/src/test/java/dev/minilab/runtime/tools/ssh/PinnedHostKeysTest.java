package dev.minilab.runtime.tools.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import com.jcraft.jsch.HostKeyRepository;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PinnedHostKeysTest {

    @TempDir
    Path dir;

    /** A fake public key blob of {@code type} (the check compares blobs; it never parses the key material). */
    private static byte[] key(String type) {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        byte[] material = new byte[32];
        ThreadLocalRandom.current().nextBytes(material);
        return ByteBuffer.allocate(4 + name.length + 4 + material.length).putInt(name.length).put(name)
                .putInt(material.length).put(material).array();
    }

    private static String line(String hosts, byte[] key) {
        return hosts + " " + PinnedHostKeys.typeOf(key) + " " + Base64.getEncoder().encodeToString(key);
    }

    private PinnedHostKeys pins(String... lines) throws IOException {
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, String.join("\n", lines) + (lines.length == 0 ? "" : "\n"));
        return new PinnedHostKeys(file);
    }

    @Test
    void theRecordedKeyIsOkAndAnyOtherKeyOfTheHostIsChangedWhateverItsType() throws IOException {
        byte[] ecdsa = key("ecdsa-sha2-nistp256");
        PinnedHostKeys pins = pins(line("web1", ecdsa));

        assertThat(pins.check("web1", ecdsa)).isEqualTo(HostKeyRepository.OK);
        assertThat(pins.check("web1", key("ssh-ed25519"))).isEqualTo(HostKeyRepository.CHANGED);
        assertThat(pins.check("web1", key("ecdsa-sha2-nistp256"))).isEqualTo(HostKeyRepository.CHANGED);
    }

    @Test
    void aHostWithTwoRecordedTypesAcceptsEither() throws IOException {
        byte[] ecdsa = key("ecdsa-sha2-nistp256");
        byte[] ed25519 = key("ssh-ed25519");
        PinnedHostKeys pins = pins(line("web1", ecdsa), line("web1", ed25519));

        assertThat(pins.check("web1", ed25519)).isEqualTo(HostKeyRepository.OK);
        assertThat(pins.check("web1", ecdsa)).isEqualTo(HostKeyRepository.OK);
    }

    @Test
    void firstContactIsAppendedAfterWhatIsThereWithoutRewritingIt() throws IOException {
        String existing = "# my pins\n" + line("web1,10.0.0.5", key("ssh-ed25519"));
        Path file = dir.resolve("known_hosts");
        Files.writeString(file, existing); // no final newline: the appended line must still start on its own
        byte[] fresh = key("ssh-ed25519");

        int result = new PinnedHostKeys(file).check("[10.0.0.9]:2222", fresh);

        assertThat(result).isEqualTo(HostKeyRepository.OK);
        assertThat(Files.readString(file)).isEqualTo(existing + "\n" + line("[10.0.0.9]:2222", fresh) + "\n");
    }

    @Test
    void portsPatternsNegationAndHashedNamesMatchAsInOpenSsh() throws Exception {
        byte[] k = key("ssh-ed25519");
        byte[] salt = new byte[20];
        ThreadLocalRandom.current().nextBytes(salt);
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        String hashed = "|1|" + Base64.getEncoder().encodeToString(salt) + "|"
                + Base64.getEncoder().encodeToString(mac.doFinal("db1".getBytes(StandardCharsets.UTF_8)));
        PinnedHostKeys pins = pins(line("[web1]:2222", k), line("*.lab,!evil.lab", k), line(hashed, k));

        assertThat(pins.check("[web1]:2222", key("ssh-ed25519"))).isEqualTo(HostKeyRepository.CHANGED);
        assertThat(pins.check("a.lab", key("ssh-ed25519"))).isEqualTo(HostKeyRepository.CHANGED);
        assertThat(pins.check("db1", key("ssh-ed25519"))).isEqualTo(HostKeyRepository.CHANGED);
        assertThat(pins.check("db1", k)).isEqualTo(HostKeyRepository.OK);
        assertThat(PinnedHostKeys.matches("*.lab,!evil.lab", "evil.lab")).isFalse();
        assertThat(PinnedHostKeys.matches("[web1]:2222", "web1")).isFalse();
        assertThat(PinnedHostKeys.matches("web?", "web1")).isTrue();
    }

    @Test
    void aRevokedKeyIsRefusedAndCertAuthorityLinesPinNothing() throws IOException {
        byte[] revoked = key("ssh-ed25519");
        byte[] ca = key("ssh-ed25519");
        PinnedHostKeys pins = pins("@revoked " + line("*", revoked), "@cert-authority " + line("*.lab", ca));

        assertThat(pins.check("web1", revoked)).isEqualTo(HostKeyRepository.CHANGED);
        assertThat(pins.getHostKey("a.lab", null)).isEmpty();
    }

    @Test
    void theKnownTypesAreOfferedToJschSoItAsksTheServerForThePinnedType() throws IOException {
        byte[] ed25519 = key("ssh-ed25519");
        PinnedHostKeys pins = pins(line("[127.0.0.1]:2222", ed25519), line("other", key("ssh-ed25519")));

        assertThat(pins.getHostKey("[127.0.0.1]:2222", null)).singleElement()
                .satisfies(k -> assertThat(k.getType()).isEqualTo("ssh-ed25519"));
    }
}
