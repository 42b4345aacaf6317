package dev.minilab.agents;

import dev.langchain4j.model.chat.ChatModel;
import dev.minilab.provisioning.tool.AgentProvisioning;
import dev.minilab.provisioning.tool.TeamApprovalGate;
import dev.minilab.runtime.agent.AgentSpec;
import dev.minilab.runtime.approval.PlanReviews;
import dev.minilab.runtime.discipline.DisciplineSettings;
import dev.minilab.runtime.discipline.GuardedChatModel;
import dev.minilab.runtime.discipline.TeamDiscipline;
import dev.minilab.runtime.loop.ContextBudget;
import dev.minilab.runtime.loop.TokenEstimator;
import dev.minilab.runtime.metrics.AgentMetrics;
import dev.minilab.runtime.agent.TeamAgent;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.config.MiniLabConfig;
import dev.minilab.runtime.llm.UsageMeter;
import dev.minilab.runtime.log.ExecutionLog;
import dev.minilab.runtime.loop.LoopSettings;
import dev.minilab.runtime.loop.ReActLoop;
import dev.minilab.runtime.proxmox.ProxmoxSettings;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.sandbox.SandboxStatus;
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
        return assembleWithGuardrails(role, config, prompt, bus, model, modelName).agent();
    }

    /** An assembled agent with its guardrails (hop limit, loop breaker, budget, metrics). */
    public record Assembled(TeamAgent agent, TeamDiscipline discipline) { }

    /**
     * Builds the agent for {@code role} with the guardrails of README "Guardrails" read from the config; the
     * User's answerer (Architect_Zero) also starts listening for halts to report.
     */
    public static Assembled assembleWithGuardrails(Role role, MiniLabConfig config, String prompt, TeamBus bus,
                                                   ChatModel model, String modelName) {
        DisciplineSettings guardrails = DisciplineSettings.fromEnv(config.env());
        Toolbox toolbox = new Toolbox(ToolboxSettings.fromEnv(config.workspace(), config.env()),
                Redactor.fromEnv(config.env()));
        // The toolbox's redactor also knows every line of the SSH key file: use it for the bus and the logs too.
        Redactor redactor = toolbox.redactor();
        String name = role.displayName();
        // One thread for the Redis writes a step need not wait for (usage counters), in order (issue 12).
        java.util.concurrent.ExecutorService bookkeeping = java.util.concurrent.Executors.newSingleThreadExecutor(
                runnable -> {
                    Thread thread = new Thread(runnable, name + "-bookkeeping");
                    thread.setDaemon(true);
                    return thread;
                });
        TeamDiscipline discipline = new TeamDiscipline(name, Role.ARCHITECT_ZERO.displayName(), Role.names(),
                guardrails, bus, new AgentMetrics(name), redactor::redact, bookkeeping);
        PlanReviews reviews = new PlanReviews(name, guardrails.approver(), bus, redactor::redact);
        ExecutionLog log = new ExecutionLog(name, config.workspace().resolve("docs"), redactor::redact);
        UsageMeter usage = new UsageMeter(bus, name, bookkeeping);
        // provision(spec): the real target's plans pass the same approval gate as run_terraform apply, its diagnosis
        // calls the same guardrails (budget, metrics) as the agent's; it uses this toolbox's Proxmox client, checks
        // and sandbox.
        Tool provision = AgentProvisioning.tool(config, name, bus, log, usage, model, modelName,
                new TeamApprovalGate(reviews, name, bus, TeamApprovalGate.timeoutFromEnv(config.env()),
                        redactor::redact, discipline::publishing, discipline::haltedFor), toolbox, discipline);
        ReActLoop loop = new ReActLoop(name, new GuardedChatModel(model, modelName, discipline), modelName,
                RoleTools.forRole(role, toolbox, new RoleTools.Guardrails(guardrails.mode(), discipline, reviews),
                        provision),
                LoopSettings.defaults(config.maxSteps(), role == Role.ARCHITECT_ZERO), redactor::redact,
                new ContextBudget(guardrails.contextBudgetTokens(), config.contextWindowSteps(), new TokenEstimator()));
        AgentSpec spec = new AgentSpec(name, prompt, role.escalationTarget(), config.historyWindow(),
                AgentMain.version());
        TeamAgent agent = new TeamAgent(spec, bus, Role.addressing(), loop, log, redactor::redact, usage, discipline);
        discipline.reportRetriesTo(agent::guardrailReadRetrying); // a mid-turn state read retrying shows in the heartbeat
        if (role != Role.ARCHITECT_ZERO) { // Architect_Zero starts no process: nothing to isolate, nothing to probe
            agent.statusField("sandbox", toolbox.sandbox().label());
            logSandbox(name, toolbox.sandbox());
        }
        warnIfProxmoxTlsIsNotVerified(name, config);
        discipline.start();
        return new Assembled(agent, discipline);
    }

    /**
     * Says at start when {@code PM_TLS_INSECURE=true}: the API token then travels to a server whose certificate is not
     * checked (issue 10: warned about at start and in the inventory output, which carries the same line).
     */
    private static void warnIfProxmoxTlsIsNotVerified(String name, MiniLabConfig config) {
        ProxmoxSettings.fromEnv(config.env(), config.workspace()).filter(ProxmoxSettings::insecure).ifPresent(pm ->
                org.slf4j.LoggerFactory.getLogger("agent." + name).warn("{} (Proxmox API {} as {})",
                        ProxmoxSettings.INSECURE_WARNING, pm.endpoint(), pm.tokenId()));
    }

    /** Says loudly when tool processes are not isolated (MINILAB_SANDBOX=none) or cannot run at all. */
    private static void logSandbox(String name, SandboxStatus sandbox) {
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("agent." + name);
        switch (sandbox) {
            case SandboxStatus.Confined confined -> log.info("Tool processes run in a {} sandbox (own PID, mount and "
                    + "network namespaces; secrets hidden)", confined.tools().name());
            case SandboxStatus.Unconfined unconfined -> log.warn("!!! MINILAB_SANDBOX=none: tool processes of {} run "
                    + "WITHOUT isolation. They can read everything this agent can (.env, keys, its environment "
                    + "through /proc) and their children can outlive STOP. Remove MINILAB_SANDBOX=none once "
                    + "bubblewrap works here (docs/TOOLS.md, Isolation).", name);
            case SandboxStatus.Unavailable unavailable -> log.error("Tool processes of {} are DISABLED: no kernel "
                    + "sandbox is available ({}). run_shell, run_terraform and run_ansible refuse every call. Install "
                    + "bubblewrap (apt-get install bubblewrap) and allow user namespaces, or set MINILAB_SANDBOX=none "
                    + "to run tools unconfined at your own risk (docs/TOOLS.md, Isolation).", name,
                    unavailable.reason());
        }
    }
}
