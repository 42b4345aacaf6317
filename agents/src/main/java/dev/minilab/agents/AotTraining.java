package dev.minilab.agents;

import dev.minilab.runtime.security.KeyGenerator;
import dev.minilab.runtime.security.SignatureGuard;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The training run of the agent's class-data / AOT cache ({@code ./minilab build}, the image build): starts each
 * role's main as far as it goes without a Redis (configuration, prompts, keys, the Redis client's connect attempt
 * against a closed loopback port), then runs {@link WarmUp} for each role; the JVM records what was loaded and
 * linked. Needs no network, Redis or LLM; writes only in a temporary folder it deletes.
 *
 * <p>Usage: {@code java -XX:AOTCacheOutput=minilab-agent.aot -cp minilab-agent.jar dev.minilab.agents.AotTraining}
 * (JDK 25), or with {@code -XX:ArchiveClassesAtExit=minilab-agent.jsa} (AppCDS, JDK 21).
 */
public final class AotTraining {

    private AotTraining() {
    }

    public static void main(String[] args) throws IOException {
        System.setProperty("io.netty.noUnsafe", "true");
        Path dir = Files.createTempDirectory("minilab-aot-training-");
        try {
            Path keys = dir.resolve("keys");
            List<String> roles = Role.names();
            List<String> senders = new java.util.ArrayList<>(roles);
            senders.add("User");
            KeyGenerator.generate(keys, senders);
            int closedPort;
            try (ServerSocket socket = new ServerSocket(0)) {
                closedPort = socket.getLocalPort();
            }
            Files.createDirectories(dir.resolve("prompts"));
            for (String role : roles) {
                Files.writeString(dir.resolve("prompts").resolve(role + ".md"), "You are " + role + ".\n");
            }
            PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
            for (String role : roles) {
                Map<String, String> env = new HashMap<>();
                env.put("MINILAB_WORKSPACE", dir.toString());
                env.put("REDIS_URL", "redis://127.0.0.1:" + closedPort);
                env.put("MINILAB_PRIVATE_KEY", KeyGenerator.privateKeyFile(keys, role).toString());
                env.put("MINILAB_PUBLIC_KEYS", KeyGenerator.publicKeysDir(keys).toString());
                env.put("MINILAB_KEYS_DIR", keys.toString());
                env.put("OPENAI_API_BASE", "http://127.0.0.1:" + closedPort + "/v1");
                int code = AgentMain.run(new String[] {role}, env, dir, quiet, quiet);
                System.out.println("training: " + role + " main ended with " + code + " (3 = no Redis, expected)");
                WarmUp.run(role, SignatureGuard.fromEnv(env, role), text -> text);
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
