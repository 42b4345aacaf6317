package dev.minilab.agents;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
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

/** Issue 10: PM_TLS_INSECURE=true is allowed, but an agent says so when it starts (and never names the secret). */
@ExtendWith(RedisExtension.class)
class ProxmoxTlsWarningIT {

    private static final String SECRET = "0badc0de-" + "1111-2222-3333-444444444444";

    private final RedisServer redis;
    @TempDir
    Path workspace;

    ProxmoxTlsWarningIT(RedisServer redis) {
        this.redis = redis;
    }

    private List<ILoggingEvent> startLogOf(Role role, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(Map.of("PATH", System.getenv("PATH"),
                "MINILAB_WORKSPACE", workspace.toString(), "PM_API_URL", "https://pve.lab.example:8006",
                "PM_TOKEN_ID", "terraform@pve!minilab", "PM_TOKEN_SECRET", SECRET));
        env.putAll(extraEnv);
        MiniLabConfig config = MiniLabConfig.from(env, workspace);
        Logger logger = (Logger) LoggerFactory.getLogger("agent." + role.displayName());
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        BusKeys keys = new BusKeys(redis.namespace() + UUID.randomUUID() + ":");
        try (TeamBus bus = TeamBus.connect(new BusSettings(redis.uri(), 80, keys, Duration.ofSeconds(5)))) {
            var model = ChatModels.openAiCompatible(new LlmSettings("http://127.0.0.1:9/v1", "unused", "m",
                    Duration.ofSeconds(1), 0));
            try (TeamAgent agent = AgentAssembly.assemble(role, config, "Prompt.", bus, model, "m")) {
                return List.copyOf(logs.list);
            }
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void insecureTlsIsWarnedAboutWhenTheAgentStarts() {
        for (Role role : List.of(Role.ARCHITECT_ZERO, Role.DEVOPS_BUILDER)) {
            List<ILoggingEvent> log = startLogOf(role, Map.of("PM_TLS_INSECURE", "true"));

            assertThat(log).as(role.displayName()).anyMatch(e -> e.getLevel() == Level.WARN
                    && e.getFormattedMessage().startsWith("WARNING: PM_TLS_INSECURE=true: the Proxmox server's "
                    + "certificate is NOT verified")
                    && e.getFormattedMessage().contains("pve.lab.example:8006 as terraform@pve!minilab"));
            assertThat(log).noneMatch(e -> e.getFormattedMessage().contains(SECRET));
        }
    }

    @Test
    void verifiedTlsStartsWithoutTheWarning() {
        assertThat(startLogOf(Role.DEVOPS_BUILDER, Map.of()))
                .noneMatch(e -> e.getFormattedMessage().contains("PM_TLS_INSECURE"));
    }
}
