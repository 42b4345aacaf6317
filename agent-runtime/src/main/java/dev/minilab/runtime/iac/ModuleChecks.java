package dev.minilab.runtime.iac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.proxmox.Inventory;
import dev.minilab.runtime.proxmox.ProxmoxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The Terraform checks MiniLab runs before terraform does (issue 10 item 6, issue 19 item 6), as an engine without
 * LLM types: {@code run_terraform} calls it through {@code ProviderCheck}, the provisioning pipeline calls it
 * directly.
 *
 * <p>{@link #check} loads the module and the local modules it calls ({@code .tf} and {@code .tf.json}, parsed with a
 * real HCL parser), refuses module sources outside the allowed root, then checks: the provider allowlist
 * ({@code bpg/proxmox} only) and secrets in {@code .tf} files; then, when asked: {@code node_name},
 * {@code datastore_id}, clone template, container template and {@code vm_id} against the live inventory (when a
 * Proxmox API is configured), and {@code terraform validate} (when terraform is available and the static checks
 * passed; terraform then never runs on a configuration MiniLab already refuses).
 */
public final class ModuleChecks {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path allowedRoot;
    private final Optional<Supplier<Inventory>> inventory;
    private final Optional<TerraformCli> terraform;
    private final Map<String, String> terraformEnv;

    /**
     * @param allowedRoot  local module sources must resolve inside this folder (generated_iac/infra)
     * @param inventory    the live cluster (may throw {@link ProxmoxException}); empty when PM_API_URL is not set
     * @param terraform    terraform's fmt/validate; empty to skip them
     * @param terraformEnv the env terraform runs with: its {@code TF_VAR_*} set root variables
     */
    public ModuleChecks(Path allowedRoot, Optional<Supplier<Inventory>> inventory, Optional<TerraformCli> terraform,
                        Map<String, String> terraformEnv) {
        this.allowedRoot = Objects.requireNonNull(allowedRoot, "allowedRoot").toAbsolutePath().normalize();
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.terraform = Objects.requireNonNull(terraform, "terraform");
        this.terraformEnv = Map.copyOf(terraformEnv);
    }

    /** Only the static checks (parse, providers, module sources, secrets): no API, no terraform. */
    public static ModuleChecks offline(Path allowedRoot) {
        return new ModuleChecks(allowedRoot, Optional.empty(), Optional.empty(), Map.of());
    }

    /**
     * What to check.
     *
     * @param moduleDir the root module
     * @param args      terraform arguments that set variables ({@code -var=k=v}, {@code -var-file=f}); others ignored
     * @param live      check values against the live inventory (when one is configured)
     * @param validate  run {@code terraform validate} (when terraform is available and the module initialised)
     */
    public record Request(Path moduleDir, List<String> args, boolean live, boolean validate,
                          Cancellation cancellation) {
        public Request {
            Objects.requireNonNull(moduleDir, "moduleDir");
            args = List.copyOf(args);
            cancellation = cancellation == null ? Cancellation.create() : cancellation;
        }

        /** Everything: static checks, the live inventory and terraform validate. */
        public static Request full(Path moduleDir) {
            return new Request(moduleDir, List.of(), true, true, Cancellation.create());
        }

        /** The static checks only (parse, module sources, providers, secrets). */
        public static Request staticOnly(Path moduleDir) {
            return new Request(moduleDir, List.of(), false, false, Cancellation.create());
        }
    }

    public CheckReport check(Request request) {
        List<Finding> findings = new ArrayList<>();
        List<String> checked = new ArrayList<>(List.of("HCL parse", "module sources", "providers", "secrets"));
        Map<String, String> envVars = new LinkedHashMap<>();
        terraformEnv.forEach((k, v) -> {
            if (k.startsWith("TF_VAR_") && k.length() > 7) {
                envVars.put(k.substring(7), v);
            }
        });
        Map<String, String> rootVars = new LinkedHashMap<>();
        List<String> varFiles = new ArrayList<>();
        for (String arg : request.args()) {
            if (arg.startsWith("-var=") && arg.indexOf('=', 5) > 5) {
                String kv = arg.substring(5);
                rootVars.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            } else if (arg.startsWith("-var-file=")) {
                varFiles.add(arg.substring("-var-file=".length()));
            }
        }
        Path root = ModuleTree.real(request.moduleDir());
        List<ModuleInstance> modules = ModuleTree.load(root, allowedRoot, envVars, varFiles, rootVars,
                findings);
        Function<Path, String> display = p -> display(root, p);
        Set<Path> seenDirs = new LinkedHashSet<>();
        for (ModuleInstance m : modules) {
            if (seenDirs.add(m.dir())) {
                ProviderRules.check(m, display, findings);
                SecretRules.check(m, display, findings);
            }
        }
        boolean usesProxmox = modules.stream().anyMatch(m -> m.blocks("resource").stream().anyMatch(l ->
                l.block().label(0).startsWith("proxmox_virtual_environment_")));
        if (request.live() && inventory.isPresent() && usesProxmox) {
            checked.add("live inventory");
            try {
                Inventory inv = inventory.get().get();
                Set<Integer> managed = managedVmids(root);
                for (ModuleInstance m : modules) {
                    InventoryRules.check(m, inv, managed, display, findings);
                }
            } catch (ProxmoxException e) {
                findings.add(Finding.error("", 0, "cannot check against the Proxmox cluster: " + e.getMessage()));
            }
        } else if (request.live() && inventory.isEmpty() && usesProxmox) {
            findings.add(Finding.note("", 0, "node, storage, template and VMID not checked against the cluster: "
                    + "PM_API_URL is not set"));
        }
        boolean staticErrors = findings.stream().anyMatch(Finding::isError);
        if (request.validate() && terraform.isPresent() && !staticErrors) {
            checked.add("terraform validate");
            findings.addAll(terraform.get().validate(root, ".", request.cancellation()));
        }
        return new CheckReport(dedupe(findings), checked);
    }

    /** VMIDs of guests this module's local state already manages. */
    private static Set<Integer> managedVmids(Path root) {
        Set<Integer> out = new HashSet<>();
        Path state = root.resolve("terraform.tfstate");
        if (!Files.isRegularFile(state)) {
            return out;
        }
        try {
            for (JsonNode r : JSON.readTree(state.toFile()).path("resources")) {
                if (!r.path("type").asText().startsWith("proxmox_virtual_environment_")) {
                    continue;
                }
                for (JsonNode i : r.path("instances")) {
                    JsonNode a = i.path("attributes");
                    int id = a.path("vm_id").asInt(a.path("id").asInt(-1));
                    if (id > 0) {
                        out.add(id);
                    }
                }
            }
        } catch (IOException e) {
            // no readable state: nothing is known to be ours
        }
        return out;
    }

    private static List<Finding> dedupe(List<Finding> findings) {
        Set<String> seen = new HashSet<>();
        List<Finding> out = new ArrayList<>();
        for (Finding f : findings) {
            if (seen.add(f.severity() + "|" + f.file() + "|" + f.line() + "|" + f.message())) {
                out.add(f);
            }
        }
        return out;
    }

    private static String display(Path root, Path p) {
        Path f = p.toAbsolutePath().normalize();
        String text = root.relativize(f).toString().replace('\\', '/');
        return text.isEmpty() ? "." : text;
    }

    @Override
    public String toString() {
        return "ModuleChecks[root=" + allowedRoot + ", inventory=" + inventory.isPresent() + ", terraform="
                + terraform.isPresent() + "]";
    }
}
