package dev.minilab.provisioning.tool;

import dev.langchain4j.model.chat.ChatModel;
import dev.minilab.provisioning.cli.ProvisioningSetup;
import dev.minilab.provisioning.pipeline.BusStatusListener;
import dev.minilab.provisioning.pipeline.ExecutionLogListener;
import dev.minilab.provisioning.pipeline.Pipeline;
import dev.minilab.provisioning.pipeline.ProvisionListener;
import dev.minilab.provisioning.ports.ApprovalGate;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.config.MiniLabConfig;
import dev.minilab.runtime.discipline.GuardedChatModel;
import dev.minilab.runtime.discipline.TeamDiscipline;
import dev.minilab.runtime.llm.UsageMeter;
import dev.minilab.runtime.log.ExecutionLog;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import java.util.List;

/**
 * Makes the {@code provision} tool for an agent process: transitions as status lines of the agent on the bus and in
 * its execution log, the agent's model unless {@code PROVISION_MODEL} names another. Every diagnosis call goes through
 * the team's guardrails like the agent's own calls ({@link GuardedChatModel}): refused when the request is halted or
 * over budget, its tokens and dollars (the one price table) added to the request's budget and to the agent's
 * Micrometer series, and its usage in the agent's {@link UsageMeter} (so {@code /cost} shows it).
 *
 * <p>{@code toolbox} is the agent's own: on the real target the pipeline shares its Proxmox client and inventory cache
 * with {@code proxmox_inventory}, runs {@code run_terraform}'s checks, and runs terraform under the same sandbox.
 * {@code gate} decides on each plan of the real target (in the team: {@link TeamApprovalGate}).
 */
public final class AgentProvisioning {

    private AgentProvisioning() {
    }

    public static ProvisionTool tool(MiniLabConfig config, String agentName, TeamBus bus, ExecutionLog log,
                                     UsageMeter usage, ChatModel agentModel, String agentModelName,
                                     ApprovalGate gate, Toolbox toolbox, TeamDiscipline discipline) {
        ProvisioningSetup setup = new ProvisioningSetup(config, toolbox);
        boolean own = config.get("PROVISION_MODEL").isPresent();
        String modelName = own ? setup.diagnosisModel(agentName) : agentModelName;
        ChatModel model = new GuardedChatModel(own ? setup.chatModel(modelName) : agentModel, modelName, discipline);
        ProvisionListener listener = ProvisionListener.all(List.of(
                new BusStatusListener(bus, agentName, setup.redactor()::redact), new ExecutionLogListener(log)));
        return new ProvisionTool(target -> new Pipeline(target == ProvisioningSetup.Target.REAL
                ? setup.terraform(model, modelName, gate, usage::record)
                : setup.simulated(model, modelName, usage::record)), listener);
    }
}
