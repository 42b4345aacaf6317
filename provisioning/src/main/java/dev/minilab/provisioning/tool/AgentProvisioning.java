package dev.minilab.provisioning.tool;

import dev.langchain4j.model.chat.ChatModel;
import dev.minilab.provisioning.cli.ProvisioningSetup;
import dev.minilab.provisioning.pipeline.BusStatusListener;
import dev.minilab.provisioning.pipeline.ExecutionLogListener;
import dev.minilab.provisioning.pipeline.Pipeline;
import dev.minilab.provisioning.pipeline.ProvisionListener;
import dev.minilab.provisioning.ports.ApprovalGate;
import dev.minilab.provisioning.ports.InventorySource;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.config.MiniLabConfig;
import dev.minilab.runtime.llm.UsageMeter;
import dev.minilab.runtime.log.ExecutionLog;
import java.util.List;

/**
 * Makes the {@code provision} tool for an agent process: transitions as status lines of the agent on the bus and in
 * its execution log, diagnosis usage in the agent's {@link UsageMeter} (so {@code /cost} shows it), the agent's model
 * unless {@code PROVISION_MODEL} names another.
 *
 * <p>Integration points (wired when those land): {@code gate} is the team's approval gate (issue "Team discipline";
 * until then the spec is the approval), {@code inventory} the Proxmox API client's inventory (issue "Grounded in the
 * real cluster"; until then none on the real target).
 */
public final class AgentProvisioning {

    private AgentProvisioning() {
    }

    public static ProvisionTool tool(MiniLabConfig config, String agentName, TeamBus bus, ExecutionLog log,
                                     UsageMeter usage, ChatModel agentModel, String agentModelName,
                                     ApprovalGate gate, InventorySource inventory) {
        ProvisioningSetup setup = new ProvisioningSetup(config);
        boolean own = config.get("PROVISION_MODEL").isPresent();
        String modelName = own ? setup.diagnosisModel(agentName) : agentModelName;
        ChatModel model = own ? setup.chatModel(modelName) : agentModel;
        ProvisionListener listener = ProvisionListener.all(List.of(
                new BusStatusListener(bus, agentName, setup.redactor()::redact), new ExecutionLogListener(log)));
        return new ProvisionTool(target -> new Pipeline(target == ProvisioningSetup.Target.REAL
                ? setup.terraform(model, modelName, gate, inventory, usage::record)
                : setup.simulated(model, modelName, usage::record)), listener);
    }
}
