package dev.minilab.agents.guardrails;

import dev.minilab.agents.Role;
import dev.minilab.testkit.RedisExtension;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.ScriptedLlmServer;
import dev.minilab.testkit.TempWorkspace;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fixture of the guardrail ITs: one Redis per test class, and per test a fresh scripted LLM, a fresh workspace
 * and the {@link GuardedTeam}s the test starts; after the test, the teams, the LLM and the workspace are closed in
 * reverse order.
 *
 * <p>Register it on an instance field, {@code @RegisterExtension final GuardedTeamFixture fixture = new
 * GuardedTeamFixture();}: JUnit makes a test instance (and so a fixture) per test method, which is what gives every
 * test its own LLM script and workspace. The LLM and the workspace exist from construction on, so fields of the test
 * can hold them.
 */
final class GuardedTeamFixture implements BeforeEachCallback, AfterEachCallback {

    private static final RedisExtension REDIS = new RedisExtension();

    private final ScriptedLlmServer llm = ScriptedLlmServer.start();
    private final TempWorkspace workspace = TempWorkspace.create("minilab-guarded-");
    private final List<GuardedTeam> teams = new ArrayList<>();
    private RedisServer redis;

    /** The scripted LLM every agent of this test talks to. */
    ScriptedLlmServer llm() {
        return llm;
    }

    /** The workspace ({@code MINILAB_WORKSPACE}) of this test's agents. */
    Path workspace() {
        return workspace.root();
    }

    /**
     * Starts a team with {@code settings} (environment variables as the agent main reads them) and {@code model},
     * and starts {@code roles} in it; more roles can be started on the returned team later.
     */
    GuardedTeam startTeam(Map<String, String> settings, String model, Role... roles) {
        GuardedTeam team = new GuardedTeam(redis, llm, workspace(), settings, model);
        teams.add(team);
        for (Role role : roles) {
            team.start(role);
        }
        return team;
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        // The server lives in the test class's store, shared by all tests of the class and closed after the last.
        redis = REDIS.server(context);
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        try (workspace; llm) {
            for (GuardedTeam team : teams.reversed()) {
                team.close();
            }
        }
    }
}
