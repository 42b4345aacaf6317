package dev.minilab.runtime.tools.ansible;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.sandbox.ExecResult;
import dev.minilab.runtime.sandbox.PathPolicy;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.support.ProcessToolResults;
import dev.minilab.runtime.tools.support.Specs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code run_ansible(playbook, inventory, limit, extra_vars, check, diff)}: paths under generated_iac/config, then the
 * {@link Ansible} engine; the PLAY RECAP decides OK/ERROR together with the exit code.
 */
public final class RunAnsibleTool implements Tool {

    /** The folder playbooks and inventory files must be under. */
    public static final Path CONFIG_ROOT = Path.of("generated_iac/config");

    private static final Pattern LIMIT = Pattern.compile("[A-Za-z0-9_.:*,!&\\[\\]~-]+");

    private final Ansible ansible;
    private final PathPolicy configPolicy;

    public RunAnsibleTool(Ansible ansible, PathPolicy policy) {
        this.ansible = ansible;
        this.configPolicy = policy.restrictedTo(List.of(CONFIG_ROOT));
    }

    @Override
    public ToolSpecification specification() {
        return Specs.of("run_ansible", "Run an Ansible playbook under generated_iac/config (subfolders allowed) against "
                + "an inventory file there or an inline host list (\"10.0.0.5,10.0.0.6,\"). SSH user, key and "
                + "known_hosts are MiniLab's (same as run_ssh); every inventory host must be in SSH_ALLOWED_HOSTS. "
                + "failed>0 or unreachable>0 in the PLAY RECAP is an ERROR. Timeout " + ansible.timeout().toSeconds()
                + " s.",
                JsonObjectSchema.builder()
                        .addStringProperty("playbook", "e.g. generated_iac/config/site.yml")
                        .addStringProperty("inventory", "e.g. generated_iac/config/inventory.ini, or \"10.0.0.5,\"")
                        .addStringProperty("limit", "optional --limit pattern, e.g. web")
                        .addProperty("extra_vars", JsonObjectSchema.builder()
                                .description("optional variables, e.g. {\"app_port\": \"8080\"} (no ansible_* names)")
                                .build())
                        .addBooleanProperty("check", "dry run (--check)")
                        .addBooleanProperty("diff", "show changes (--diff)")
                        .required("playbook", "inventory")
                        .build());
    }

    @Override
    public ToolResult execute(ToolArguments arguments, ToolContext context) {
        try {
            Path playbook = configPolicy.resolveForRead(arguments.requireString("playbook"));
            if (!Files.isRegularFile(playbook)) {
                return ToolResult.error("playbook '" + arguments.requireString("playbook") + "' does not exist; write "
                        + "it with save_file under generated_iac/config/ first");
            }
            String inventoryArg = arguments.requireString("inventory").strip();
            String inventory;
            if (AnsibleRequest.isInlineHostList(inventoryArg)) {
                inventory = inventoryArg;
            } else {
                Path file = configPolicy.resolveForRead(inventoryArg);
                if (!Files.exists(file)) {
                    return ToolResult.error("inventory '" + inventoryArg + "' does not exist; write it under "
                            + "generated_iac/config/ or pass an inline list such as \"10.0.0.5,\"");
                }
                inventory = file.toString();
            }
            String limit = arguments.optionalString("limit").map(String::strip).filter(s -> !s.isEmpty()).orElse(null);
            if (limit != null && !LIMIT.matcher(limit).matches()) {
                return ToolResult.error("limit '" + limit + "' is not a host pattern (letters, digits, . : * , ! & [ ] "
                        + "- _ ~; no @files)");
            }
            AnsibleRequest request = new AnsibleRequest(playbook, inventory, limit,
                    arguments.optionalStringMap("extra_vars"), arguments.optionalBoolean("check", false),
                    arguments.optionalBoolean("diff", false));
            return toResult(ansible.run(request, context.cancellation()));
        } catch (MiniLabException e) {
            return ToolResult.error(e.getMessage());
        }
    }

    private ToolResult toResult(Ansible.Outcome outcome) {
        ExecResult exec = outcome.exec();
        if (exec.cancelled() || exec.timedOut()) {
            String why = exec.cancelled() ? "stopped by STOP" : "timed out after " + ansible.timeout().toSeconds()
                    + " s";
            String text = exec.combinedOutput().stripTrailing();
            text = (text.isEmpty() ? "" : text + "\n") + "[" + why + ": ansible-playbook and its ssh connections "
                    + "were ended; the remote tasks ran on a terminal that was hung up, so they were ended too. Tasks "
                    + "that finished before made their changes: check the hosts (check=true shows what is left) "
                    + "before running it again]";
            return new ToolResult(ToolResult.Status.ERROR, exec.cancelled() ? ProcessToolResults.STOPPED_EXIT
                    : ProcessToolResults.TIMEOUT_EXIT, exec.duration(), text);
        }
        ToolResult base = ProcessToolResults.of(exec, ansible.timeout());
        Optional<PlayRecap> recap = outcome.recap();
        String text = base.output().stripTrailing();
        if (recap.isEmpty() || recap.get().hosts().isEmpty()) {
            if (base.isError()) {
                return base.withOutput(text + "\n\nrecap: none (ansible-playbook failed before any play ran)");
            }
            return new ToolResult(ToolResult.Status.ERROR, base.exitCode(), base.duration(), text + "\n\nrecap: "
                    + "hosts=0\nERROR: no host matched: the plays' hosts: patterns" + (outcome.limited() ? " and "
                    + "the limit" : "") + " matched nothing in the inventory, so nothing ran. Check the group names "
                    + "against the inventory");
        }
        PlayRecap r = recap.get();
        text += "\n\nrecap: " + r.summary();
        if (outcome.playsWithoutHosts() > 0) {
            text += "\nWARNING: " + outcome.playsWithoutHosts() + " play(s) matched no host and did nothing";
        }
        if (r.hasProblems()) {
            text += "\nERROR: " + (r.failed() > 0 ? r.failed() + " failed task(s) " : "")
                    + (r.unreachable() > 0 ? r.unreachable() + " unreachable host(s) " : "")
                    + "(exit code " + exec.exitCode() + ")";
            return new ToolResult(ToolResult.Status.ERROR, base.exitCode(), base.duration(), text);
        }
        return base.withOutput(text);
    }
}
