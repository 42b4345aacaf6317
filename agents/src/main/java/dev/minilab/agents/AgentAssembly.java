package dev.minilab.agents;

import dev.langchain4j.model.chat.ChatModel;
import dev.minilab.provisioning.ports.ApprovalGate;
import dev.minilab.provisioning.tool.AgentProvisioning;
import dev.minilab.runtime.agent.AgentSpec;
import dev.minilab.runtime.agent.TeamAgent;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.config.MiniLabConfig;
import dev.minilab.runtime.llm.UsageMeter;
import dev.minilab.runtime.log.ExecutionLog;
import dev.minilab.runtime.loop.LoopSettings;
import dev.minilab.runtime.loop.ReActLoop;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import dev.minilab.runtime.tools.toolbox.ToolboxSettings;

/**
 * Wires one role into a {@link TeamAgent}: its prompt, its tool table, its loop limits, its execution log and the
 * one redactor every output passes through. The agent main and the tests build agents the same way.
 */
public final class AgentAssembly {

    private AgentAssembly() {
    }

    /**
     * Builds (does not start) the agent for {@code role}.
     *
     * @param prompt    the role's system prompt
     * @param bus       a connected bus of this process
     * @param model     the chat model for the role
     * @param modelName the model's name (for usage records)
     */
    public static TeamAgent assemble(Role role, MiniLabConfig config, String prompt, TeamBus bus, ChatModel model,
                                     String modelName) {
        Toolbox toolbox = new Toolbox(ToolboxSettings.fromEnv(config.workspace(), config.env()),
                Redactor.fromEnv(config.env()));
        // The toolbox's redactor also knows every line of the SSH key file: use it for the bus and the logs too.
        Redactor redactor = toolbox.redactor();
        String name = role.displayName();
        ExecutionLog log = new ExecutionLog(name, config.workspace().resolve("docs"), redactor::redact);
        UsageMeter usage = new UsageMeter(bus, name);
        // provision(spec): until the approval gate lands the spec is the approval (AgentProvisioning names the
        // integration point); the real target uses this toolbox's Proxmox client and run_terraform's checks.
        Tool provision = AgentProvisioning.tool(config, name, bus, log, usage, model, modelName,
                ApprovalGate.specIsApproval(), toolbox);
        ReActLoop loop = new ReActLoop(name, model, modelName, RoleTools.forRole(role, toolbox, provision),
                LoopSettings.defaults(config.maxSteps(), role == Role.ARCHITECT_ZERO), redactor::redact);
        AgentSpec spec = new AgentSpec(name, prompt, role.escalationTarget(), config.historyWindow(),
                AgentMain.version());
        return new TeamAgent(spec, bus, Role.addressing(), loop, log, redactor::redact, usage);
    }
}
