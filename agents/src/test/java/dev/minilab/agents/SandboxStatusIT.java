package dev.minilab.agents;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.minilab.runtime.agent.TeamAgent;
import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.config.MiniLabConfig;
import dev.minilab.runtime.llm.ChatModels;
import dev.minilab.runtime.llm.LlmSettings;
import dev.minilab.testkit.RedisExtension;
import dev.minilab.testkit.RedisServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The agent reports how its tools are isolated in its heartbeat, and says loudly when they are not. */
@ExtendWith(RedisExtension.class)
class SandboxStatusIT {

    private final RedisServer redis;
    @TempDir
    Path workspace;

    SandboxStatusIT(RedisServer redis) {
        this.redis = redis;
    }

    private String heartbeatOf(Role role, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(Map.of("PATH", System.getenv("PATH"),
                "MINILAB_WORKSPACE", workspace.toString()));
        env.putAll(extraEnv);
        MiniLabConfig config = MiniLabConfig.from(env, workspace);
        BusKeys keys = new BusKeys(redis.namespace() + UUID.randomUUID() + ":");
        try (TeamBus bus = TeamBus.connect(new BusSettings(redis.uri(), 80, keys, Duration.ofSeconds(5)))) {
            var model = ChatModels.openAiCompatible(new LlmSettings("http://127.0.0.1:9/v1", "unused", "m",
                    Duration.ofSeconds(1), 0));
            try (TeamAgent agent = AgentAssembly.assemble(role, config, "Prompt.", bus, model, "m")) {
                agent.heartbeat();
                return bus.statuses(List.of(role.displayName())).get(role.displayName());
            }
        }
    }

    @Test
    void heartbeatSaysBwrapWhenToolsAreIsolated() {
        assertThat(heartbeatOf(Role.QA_TESTER, Map.of())).contains("\"sandbox\":\"bwrap\"");
    }

    @Test
    void sandboxNoneIsInTheHeartbeatAndLoggedLoudly() {
        Logger logger = (Logger) LoggerFactory.getLogger("agent.DevOps_Builder");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            assertThat(heartbeatOf(Role.DEVOPS_BUILDER, Map.of("MINILAB_SANDBOX", "none")))
                    .contains("\"sandbox\":\"none\"");
        } finally {
            logger.detachAppender(logs);
        }
        assertThat(logs.list).anyMatch(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN
                && e.getFormattedMessage().contains("MINILAB_SANDBOX=none")
                && e.getFormattedMessage().contains("WITHOUT isolation"));
    }

    @Test
    void anUnknownSandboxValueStopsTheAgentAtStartWithOneLine() {
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        int code = AgentMain.run(new String[] {"DevOps_Builder"}, Map.of("PATH", System.getenv("PATH"),
                "MINILAB_WORKSPACE", workspace.toString(), "MINILAB_SANDBOX", "off"), workspace,
                new java.io.PrintStream(out), new java.io.PrintStream(err));

        assertThat(code).isEqualTo(AgentMain.EXIT_USAGE);
        assertThat(err.toString()).contains("MINILAB_SANDBOX=off is not valid: expected bwrap");
    }
}
