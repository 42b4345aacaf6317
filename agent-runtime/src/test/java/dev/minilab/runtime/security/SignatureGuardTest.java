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
        String json = MessageCodec.encode(sealed);
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
        assertThat(architect.rejectionReason(received.withSeq(7))).as("a seq set after signing").isPresent();
        Message sequenced = overTheWire(user.seal(Message.chat("User", "plan only").withSeq(5)));
        assertThat(sequenced.signature()).startsWith("v2s:");
        assertThat(architect.rejectionReason(sequenced)).isEmpty();
        assertThat(architect.rejectionReason(sequenced.withSeq(Long.MAX_VALUE))).as("issue 17 finding 3: seq is signed")
                .isPresent();
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

    private static Message decode(String json) {
        MessageCodec.Decoded decoded = MessageCodec.decode(json);
        return decoded instanceof MessageCodec.Decoded.Valid valid ? valid.message() : null;
    }

    @Test
    void anEquivalentRewriteOfTheTimestampOrKindNoLongerPasses() {
        // issue 17 finding 8: v1 signed the parsed instant and the kind case-insensitively
        Message sealed = user.seal(Message.chat("User", "rewrite me").withSeq(3));
        String json = MessageCodec.encode(sealed);
        String ts = sealed.timestamp().toString();
        java.time.OffsetDateTime plusOne = sealed.timestamp().atOffset(java.time.ZoneOffset.ofHours(1));
        String rewrittenTime = json.replace("\"" + ts + "\"", "\"" + plusOne + "\"");
        String upperKind = json.replace("\"kind\":\"chat\"", "\"kind\":\"CHAT\"");
        assertThat(rewrittenTime).isNotEqualTo(json);
        assertThat(upperKind).isNotEqualTo(json);

        for (String forged : List.of(rewrittenTime, upperKind)) {
            Message received = decode(forged);
            assertThat(received == null || architect.rejectionReason(received).isPresent()).as(forged).isTrue();
        }
        assertThat(architect.rejectionReason(decode(json))).isEmpty();
    }

    @Test
    void anUnpairedSurrogateNoLongerSharesItsSignatureWithAQuestionMark() {
        Message lone = new Message("id-1", 0, "User", "run \ud800 now", java.time.Instant.parse("2026-11-30T10:00:00Z"),
                MessageKind.CHAT, List.of(), null);
        assertThatThrownBy(() -> SignatureGuard.canonicalBytesV2(lone, false))
                .isInstanceOf(IllegalArgumentException.class);
        // the signer replaces it, so what is signed is what is sent
        Message sealed = user.seal(lone);
        assertThat(sealed.content()).isEqualTo("run \uFFFD now");
        Message question = sealed.withContent("run ? now");
        assertThat(architect.rejectionReason(overTheWire(question))).isPresent();
        assertThat(architect.rejectionReason(overTheWire(sealed))).isEmpty();
    }

    @Test
    void v1SignaturesAreRefusedUnlessInteropIsSwitchedOn() {
        Message message = Message.chat("User", "old sender");
        String v1 = MessageSigner.create(KeyRing.load(KeyGenerator.privateKeyFile(keys, "User"),
                KeyGenerator.publicKeysDir(keys)), "User").sign(SignatureGuard.canonicalBytes(message)).orElseThrow();
        Message old = overTheWire(message.withSignature(v1));

        assertThat(architect.rejectionReason(old)).get().asString().contains("v1");
        SignatureGuard interop = SignatureGuard.fromEnv(Map.of(
                "MINILAB_PRIVATE_KEY", KeyGenerator.privateKeyFile(keys, "Architect_Zero").toString(),
                "MINILAB_PUBLIC_KEYS", KeyGenerator.publicKeysDir(keys).toString(),
                "MINILAB_ACCEPT_V1_SIGNATURES", "true"), "Architect_Zero");
        Message userSigned = overTheWire(message.withSignature(MessageSigner.create(KeyRing.load(
                KeyGenerator.privateKeyFile(keys, "User"), KeyGenerator.publicKeysDir(keys)), "User")
                .sign(SignatureGuard.canonicalBytes(message)).orElseThrow()));
        assertThat(interop.rejectionReason(userSigned)).isEmpty();
        assertThat(architect.rejectionReason(userSigned)).isPresent();
    }

    @Test
    void aMessageFromBeforeTheUsersClearIsRefusedAndAReplayedOldClearChangesNothing() {
        SignatureGuard receiver = guard("Architect_Zero");
        SignatureGuard console = guard("User");
        Message oldClear = overTheWire(console.seal(Message.control(dev.minilab.runtime.bus.ControlCommand.CLEAR)));
        Message before = overTheWire(console.seal(Message.chat("User", "build the old thing")));
        assertThat(receiver.rejectionReason(oldClear)).isEmpty();
        assertThat(receiver.rejectionReason(before)).isEmpty();

        Message clear = overTheWire(console.seal(new Message("clear-2", 0, "User", "CLEAR",
                oldClear.timestamp().plusSeconds(5), MessageKind.CONTROL, List.of(), null)));
        assertThat(receiver.rejectionReason(clear)).isEmpty();
        assertThat(receiver.epoch()).contains(clear.timestamp());

        assertThat(receiver.rejectionReason(before)).get().asString().contains("before the User's CLEAR");
        assertThat(receiver.rejectionReason(oldClear)).get().asString().contains("before the User's CLEAR");
        assertThat(receiver.epoch()).contains(clear.timestamp());
        Message after = overTheWire(console.seal(Message.chat("User", "build the new thing")));
        assertThat(after.epoch()).isEqualTo(clear.timestamp().toString());
        assertThat(receiver.rejectionReason(after)).isEmpty();
    }

    @Test
    void aLiveMessageOlderThanTheFreshnessWindowIsRefused() {
        Message old = overTheWire(user.seal(new Message("old-1", 0, "User", "replayed", java.time.Instant.now()
                .minus(SignatureGuard.MAX_AGE).minusSeconds(5), MessageKind.CHAT, List.of(), null)));
        Message ahead = overTheWire(user.seal(new Message("ahead-1", 0, "User", "from the future",
                java.time.Instant.now().plus(SignatureGuard.MAX_AHEAD).plusSeconds(30), MessageKind.CHAT, List.of(),
                null)));
        Message fresh = overTheWire(user.seal(Message.chat("User", "now")));

        assertThat(architect.rejectionReason(old)).as("history reads keep old messages").isEmpty();
        assertThat(architect.liveRejection(old)).get().asString().contains("minutes old");
        assertThat(architect.liveRejection(ahead)).get().asString().contains("future");
        assertThat(architect.liveRejection(fresh)).isEmpty();
    }
}
