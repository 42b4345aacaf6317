package dev.minilab.provisioning.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.minilab.provisioning.cli.ProvisioningSetup;
import dev.minilab.provisioning.pipeline.Pipeline;
import dev.minilab.provisioning.pipeline.ProvisionListener;
import dev.minilab.provisioning.pipeline.RunReport;
import dev.minilab.provisioning.spec.ProvisionSpec;
import dev.minilab.provisioning.spec.SpecReader;
import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.support.Specs;
import java.util.Objects;
import java.util.function.Function;

/**
 * {@code provision(spec, target)}: runs a spec through the deterministic pipeline (plan → apply → validate, the LLM
 * only to diagnose a failure) and returns the run's summary. Each transition goes to the listener (the team channel
 * as a status line and the caller's execution log). OK only when the run ends SUCCESS.
 */
public final class ProvisionTool implements Tool {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<ProvisioningSetup.Target, Pipeline> pipelines;
    private final ProvisionListener listener;

    /**
     * @param pipelines makes the pipeline for a target (real: terraform on Proxmox; simulated: the simulation)
     * @param listener  where transitions and notes go
     */
    public ProvisionTool(Function<ProvisioningSetup.Target, Pipeline> pipelines, ProvisionListener listener) {
        this.pipelines = Objects.requireNonNull(pipelines, "pipelines");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public ToolSpecification specification() {
        return Specs.of("provision", "Provision Proxmox LXC containers or VM clones with the tested modules "
                + "generated_iac/infra/modules/proxmox-lxc|proxmox-vm: terraform init, plan and apply run without you, "
                + "then each host is checked (resource count, SSH, hostname and OS, health command). On a failure an "
                + "LLM proposes variable changes (at most PROVISION_MAX_RETRIES retries, a repeated proposal ends the "
                + "run). Prefer this over writing Terraform by hand for plain containers and VMs. spec example: "
                + "{\"name\":\"web\",\"kind\":\"lxc\",\"variables\":{\"node_name\":\"pve1\",\"hostname\":\"web\","
                + "\"template_file_id\":\"local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst\",\"datastore_id\":"
                + "\"local-lvm\",\"bridge\":\"vmbr0\",\"instance_count\":1},\"checks\":{\"os\":\"debian 12\"}}. "
                + "For kind vm give template_vmid instead of template_file_id. Credentials come from the "
                + "environment, never from the spec.",
                JsonObjectSchema.builder()
                        .addProperty("spec", JsonObjectSchema.builder().description("the provisioning spec: name, kind "
                                + "(lxc|vm), variables (module variables), optional expected_count, checks {ssh, "
                                + "ssh_user, os, health_command}, destroy_on_failure").additionalProperties(true).build())
                        .addEnumProperty("target", java.util.List.of("real", "simulated"))
                        .required("spec")
                        .build());
    }

    @Override
    public ToolResult execute(ToolArguments arguments, ToolContext context) {
        JsonNode raw = arguments.raw("spec").orElse(null);
        if (raw == null || raw.isNull()) {
            return ToolResult.error("provision needs a spec object: {\"name\": ..., \"kind\": \"lxc\"|\"vm\", "
                    + "\"variables\": {...}}");
        }
        ProvisionSpec spec;
        ProvisioningSetup.Target target;
        try {
            JsonNode specNode = raw.isTextual() ? JSON.readTree(raw.asText()) : raw;
            spec = SpecReader.fromJson(specNode);
            target = ProvisioningSetup.Target.parse(arguments.optionalString("target").orElse("real"));
        } catch (MiniLabException | IllegalArgumentException e) {
            return ToolResult.error("provision: " + e.getMessage());
        } catch (java.io.IOException e) {
            return ToolResult.error("provision: spec is a string but not JSON (" + e.getMessage() + "); pass an object");
        }
        RunReport report = pipelines.apply(target).run(spec, listener, context.cancellation());
        String text = report.summary();
        return report.succeeded() ? ToolResult.ok(text) : ToolResult.error(text);
    }
}
