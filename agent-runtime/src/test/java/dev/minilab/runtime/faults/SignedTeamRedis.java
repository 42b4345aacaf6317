package dev.minilab.runtime.faults;

import dev.minilab.runtime.security.KeyGenerator;
import dev.minilab.runtime.security.KeyRing;
import dev.minilab.runtime.security.MessageSigner;
import dev.minilab.runtime.security.SignatureGuard;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.ScriptedLlmServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The setup of the signed-bus fault tests: a real redis-server child and a key pair for every team member, both for
 * one test class; the server is closed and the keys are deleted after the class.
 *
 * <p>Register it on a static field: {@code @RegisterExtension static final SignedTeamRedis SIGNED = new
 * SignedTeamRedis(List.of("Architect_Zero", "User"));}.
 */
final class SignedTeamRedis implements BeforeAllCallback, AfterAllCallback {

    private final List<String> members;
    private final RedisServer.Options options;
    private Path keys;
    private RedisServer redis;

    /** Keys for {@code members}, a Redis child with default options. */
    SignedTeamRedis(List<String> members) {
        this(members, RedisServer.Options.defaults());
    }

    /** Keys for {@code members}, a Redis child with {@code options}. */
    SignedTeamRedis(List<String> members, RedisServer.Options options) {
        this.members = List.copyOf(members);
        this.options = options.withStrategies(RedisServer.Kind.PROCESS);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        keys = Files.createTempDirectory("minilab-keys-");
        KeyGenerator.generate(keys, members);
        redis = RedisServer.start(options);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try (RedisServer server = redis) {
            if (keys != null) {
                try (Stream<Path> files = Files.walk(keys)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(file);
                    }
                }
            }
        }
    }

    RedisServer redis() {
        return redis;
    }

    /** The folder {@link KeyGenerator} wrote the members' keys to. */
    Path keys() {
        return keys;
    }

    /** The signer of {@code sender}, with the public keys of the whole team. */
    MessageSigner signerOf(String sender) {
        return MessageSigner.create(KeyRing.load(KeyGenerator.privateKeyFile(keys, sender),
                KeyGenerator.publicKeysDir(keys)), sender);
    }

    /** An agent named {@code name} on this Redis that signs as itself (see {@link Team#startAgent}). */
    Team.RunningAgent startAgent(String name, ScriptedLlmServer llm, Path docs) {
        return Team.startAgent(name, redis, llm, guardOf(name), docs);
    }

    /** A client on this Redis that signs as {@code sender}. */
    Team.Client connect(String sender) {
        return Team.Client.connect(redis, guardOf(sender));
    }

    /** The bus guard {@code sender} runs with: it signs as {@code sender} and verifies everyone. */
    SignatureGuard guardOf(String sender) {
        return SignatureGuard.of(signerOf(sender));
    }
}
