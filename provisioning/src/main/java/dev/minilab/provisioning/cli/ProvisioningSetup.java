package dev.minilab.provisioning.cli;

import dev.langchain4j.model.chat.ChatModel;
import dev.minilab.provisioning.backend.ModuleCatalog;
import dev.minilab.provisioning.diagnosis.LlmDiagnosis;
import dev.minilab.provisioning.pipeline.Pipeline;
import dev.minilab.provisioning.pipeline.PipelineSettings;
import dev.minilab.provisioning.ports.ApprovalGate;
import dev.minilab.provisioning.ports.CostMeter;
import dev.minilab.provisioning.ports.UsageSink;
import dev.minilab.provisioning.simulated.AddressPlan;
import dev.minilab.provisioning.simulated.SimulatedBackend;
import dev.minilab.provisioning.simulated.SimulatedCluster;
import dev.minilab.provisioning.simulated.SimulatedHosts;
import dev.minilab.provisioning.terraform.TerraformBackend;
import dev.minilab.provisioning.validate.SshHostProbe;
import dev.minilab.provisioning.validate.Validator;
import dev.minilab.runtime.config.MiniLabConfig;
import dev.minilab.runtime.llm.ChatModels;
import dev.minilab.runtime.llm.LlmSettings;
import dev.minilab.runtime.llm.PriceTable;
import dev.minilab.runtime.sandbox.ChildEnvironment;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.terraform.ProviderCheck;
import dev.minilab.runtime.tools.terraform.Terraform;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import dev.minilab.runtime.tools.toolbox.ToolboxSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds pipelines from the configuration: one place for the CLI ({@code ./minilab provision}, {@code ./minilab
 * eval}) and the {@code provision} tool. Settings are validated when this is made (a bad value fails at start).
 */
public final class ProvisioningSetup {

    /** {@code real} runs terraform against Proxmox; {@code simulated} runs the in-product simulation. */
    public enum Target {
        SIMULATED, REAL;

        public static Target parse(String text) {
            return switch (text == null ? "" : text.strip()) {
                case "simulated" -> SIMULATED;
                case "real" -> REAL;
                default -> throw new IllegalArgumentException("target must be simulated or real, got '" + text + "'");
            };
        }
    }

    private final MiniLabConfig config;
    private final Toolbox toolbox;
    private final ToolboxSettings tools;
    private final Redactor redactor;
    private final PipelineSettings settings;
    private final CostMeter prices;
    private final ModuleCatalog modules;

    /** For the CLI: a toolbox of its own, built from the same settings an agent's is. */
    public ProvisioningSetup(MiniLabConfig config) {
        this(config, new Toolbox(ToolboxSettings.fromEnv(config.workspace(), config.env()),
                Redactor.fromEnv(config.env())));
    }

    /**
     * @param toolbox the process's toolbox: the Terraform target takes its Proxmox client (one inventory cache with
     *                {@code proxmox_inventory}) and run_terraform's checks from it
     * @throws dev.minilab.runtime.config.ConfigException for a malformed setting, PM_* included
     */
    public ProvisioningSetup(MiniLabConfig config, Toolbox toolbox) {
        this.config = Objects.requireNonNull(config, "config");
        this.toolbox = Objects.requireNonNull(toolbox, "toolbox");
        this.tools = toolbox.settings();
        this.redactor = toolbox.redactor();
        toolbox.proxmox(); // PM_* and the sizing rules are validated at start, as the agents do
        this.settings = PipelineSettings.fromEnv(config.env());
        this.prices = CostMeter.of(PriceTable.fromEnv(config.env())); // the budget's table (issue 9)
        List<Path> roots = new ArrayList<>(List.of(config.workspace()));
        config.get("MINILAB_HOME").map(Path::of).ifPresent(roots::add);
        this.modules = ModuleCatalog.standard(roots);
    }

    public MiniLabConfig config() {
        return config;
    }

    public Redactor redactor() {
        return redactor;
    }

    public PipelineSettings settings() {
        return settings;
    }

    public CostMeter prices() {
        return prices;
    }

    public ModuleCatalog modules() {
        return modules;
    }

    /** The OpenAI-compatible chat model {@code model} at OPENAI_API_BASE. */
    public ChatModel chatModel(String model) {
        return ChatModels.openAiCompatible(new LlmSettings(config.apiBase(), config.apiKey().orElse(null), model,
                config.llmTimeout(), config.llmMaxRetries()));
    }

    /** The model that diagnoses: {@code PROVISION_MODEL}, else the model of {@code role} (LLM_MODEL_<ROLE>, LLM_MODEL). */
    public String diagnosisModel(String role) {
        return config.get("PROVISION_MODEL").orElseGet(() -> config.modelFor(role));
    }

    /**
     * Real terraform on Proxmox, run like run_terraform (the toolbox's sandbox, SIGINT and the interrupt grace on STOP),
     * validation over SSH with the team's SSH settings. With PM_API_URL set, the live
     * inventory (through the Proxmox API client) is checked against before terraform runs and given to the diagnosis.
     */
    public Pipeline.Parts terraform(ChatModel model, String modelName, ApprovalGate gate, UsageSink usage) {
        TerraformBackend backend = new TerraformBackend(new TerraformBackend.Settings(config.workspace(), modules,
                tools.terraformCommand(), ChildEnvironment.forTerraform(config.env(), tools.extraSecretNames()),
                tools.timeouts().terraform(), toolbox.proxmox().inventorySource(),
                new ProviderCheck(toolbox.moduleChecks()),
                toolbox.terraformRunner(config.workspace().resolve(TerraformBackend.PLAN_FILES)),
                Terraform.DEFAULT_INTERRUPT_GRACE));
        return new Pipeline.Parts(backend, new Validator(new SshHostProbe(tools.ssh()), settings.sshWait()),
                new LlmDiagnosis(model, modelName, redactor::redact), gate, backend.inventory(),
                spec -> modules.variables(spec.kind()), prices, usage, settings);
    }

    /** The simulated cluster and simulated hosts (nothing leaves the machine but the diagnosis calls). */
    public Pipeline.Parts simulated(ChatModel model, String modelName, UsageSink usage) {
        SimulatedCluster cluster = SimulatedCluster.standard();
        SimulatedBackend backend = new SimulatedBackend(cluster, AddressPlan.dhcp(), modules);
        return new Pipeline.Parts(backend, new Validator(new SimulatedHosts(cluster), Duration.ZERO),
                new LlmDiagnosis(model, modelName, redactor::redact), ApprovalGate.specIsApproval(),
                backend.inventory(), spec -> modules.variables(spec.kind()), prices, usage, settings);
    }
}
