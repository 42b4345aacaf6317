package dev.minilab.runtime.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageCodec;
import dev.minilab.runtime.bus.MessageKind;
import dev.minilab.runtime.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guard as the bus uses it: sealed messages survive the JSON codec and verify; any change on the wire fails. */
class SignatureGuardTest {

    @TempDir
    static Path keys;

    private static SignatureGuard user;
    private static SignatureGuard architect;

    @BeforeAll
    static void keys() {
        KeyGenerator.generate(keys, List.of("Architect_Zero", "User"));
        user = guard("User");
        architect = guard("Architect_Zero");
    }

    private static SignatureGuard guard(String sender) {
        return SignatureGuard.fromEnv(Map.of(
                "MINILAB_PRIVATE_KEY", KeyGenerator.privateKeyFile(keys, sender).toString(),
                "MINILAB_PUBLIC_KEYS", KeyGenerator.publicKeysDir(keys).toString()), sender);
    }

    private static Message overTheWire(Message sealed) {
        String json = MessageCodec.encode(sealed.withSeq(42));
        return ((MessageCodec.Decoded.Valid) MessageCodec.decode(json)).message();
    }

    @Test
    void sealedMessageVerifiesAfterEncodingAndDecodingWithNanosecondTimestampAndRecipients() {
        Message sealed = user.seal(Message.chatTo("User", "build it ünïcödé 😀\n\"quoted\"", List.of("Architect_Zero")));

        Message received = overTheWire(sealed);

        assertThat(received.signature()).isNotBlank();
        assertThat(architect.rejectionReason(received)).isEmpty();
    }

    @Test
    void userChatWhoseContentIsStopVerifiesAlthoughReadersTurnItIntoAControlMessage() {
        Message sealed = user.seal(Message.chat("User", " stop "));

        Message received = overTheWire(sealed);

        assertThat(received.kind()).isEqualTo(MessageKind.CONTROL);
        assertThat(architect.rejectionReason(received)).isEmpty();
    }

    @Test
    void anyChangeOnTheWireIsRejected() {
        Message received = overTheWire(user.seal(Message.chat("User", "plan only")));

        assertThat(architect.rejectionReason(received.withContent("apply now"))).isPresent();
        assertThat(architect.rejectionReason(received.withTo(List.of("DevOps_Builder")))).isPresent();
        assertThat(architect.rejectionReason(new Message(received.id(), received.seq(), received.sender(),
                received.content(), received.timestamp().plusSeconds(1), received.kind(), received.to(),
                received.signature()))).isPresent();
        assertThat(architect.rejectionReason(new Message(received.id(), received.seq(), received.sender(),
                received.content(), received.timestamp(), MessageKind.STATUS, received.to(), received.signature())))
                .isPresent();
        assertThat(architect.rejectionReason(received.withSeq(7))).as("seq is not signed: Redis assigns it").isEmpty();
    }

    @Test
    void originalThreeFieldMessageIsRejectedWhenKeysAreConfiguredAndAcceptedWhenNot() {
        Message legacy = ((MessageCodec.Decoded.Valid) MessageCodec.decode(
                "{\"sender\":\"User\",\"content\":\"hello\",\"timestamp\":\"2026-11-22T02:00:00\"}")).message();

        assertThat(architect.rejectionReason(legacy)).get().asString().contains("not signed");
        SignatureGuard unsigned = SignatureGuard.fromEnv(Map.of(), "Architect_Zero");
        assertThat(unsigned.signing()).isFalse();
        assertThat(unsigned.rejectionReason(legacy)).isEmpty();
        assertThat(unsigned.startupNotice()).contains("NOT signed").contains("./minilab keys");
        assertThat(unsigned.seal(legacy)).isSameAs(legacy);
    }

    @Test
    void aProcessWithoutAKeyRefusesToStartOnceTheTeamHasKeysAndSaysHowToCreateThem() {
        // keys exist in MINILAB_KEYS_DIR, but this process was given none of them
        assertThatThrownBy(() -> SignatureGuard.fromEnv(Map.of("MINILAB_KEYS_DIR", keys.toString()), "Architect_Zero"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("MINILAB_PRIVATE_KEY")
                .hasMessageContaining("refuses to start")
                .hasMessageContaining("./minilab keys " + keys);
    }

    @Test
    void requireSignaturesTrueWithoutAnyKeysRefusesToStart() {
        assertThatThrownBy(() -> SignatureGuard.fromEnv(Map.of("MINILAB_REQUIRE_SIGNATURES", "true"), "User"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("./minilab keys");
        assertThatThrownBy(() -> SignatureGuard.fromEnv(Map.of("MINILAB_REQUIRE_SIGNATURES", "maybe"), "User"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("MINILAB_REQUIRE_SIGNATURES=maybe");
    }

    @Test
    void unsignedIsAllowedOnlyWhereNoKeysExistOrWhenExplicitlySwitchedOff() {
        assertThat(SignatureGuard.fromEnv(Map.of("MINILAB_KEYS_DIR", keys.resolve("none").toString()), "User")
                .signing()).isFalse();
        assertThat(SignatureGuard.fromEnv(Map.of("MINILAB_KEYS_DIR", keys.toString(),
                "MINILAB_REQUIRE_SIGNATURES", "false"), "User").signing()).isFalse();
    }
}
