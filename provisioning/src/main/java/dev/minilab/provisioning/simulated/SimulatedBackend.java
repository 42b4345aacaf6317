package dev.minilab.provisioning.simulated;

import dev.minilab.provisioning.backend.ApplyResult;
import dev.minilab.provisioning.backend.Guest;
import dev.minilab.provisioning.backend.ModuleCatalog;
import dev.minilab.provisioning.backend.Plan;
import dev.minilab.provisioning.backend.PlanResult;
import dev.minilab.provisioning.backend.ProvisioningBackend;
import dev.minilab.provisioning.backend.Stage;
import dev.minilab.provisioning.backend.StepFailure;
import dev.minilab.provisioning.ports.ApprovalGate;
import dev.minilab.provisioning.ports.InventorySource;
import dev.minilab.provisioning.spec.GuestKind;
import dev.minilab.provisioning.spec.ProvisionSpec;
import dev.minilab.provisioning.spec.Variables;
import dev.minilab.runtime.control.Cancellation;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The simulated target: terraform's plan/apply cycle with the bpg/proxmox provider on a {@link SimulatedCluster},
 * in memory and without network. It keeps a state per deployment like terraform (a guest whose start failed stays in
 * the state, tainted, and is replaced by the next apply) and prints errors exactly as terraform does. What it does
 * not model: updates in place (any change replaces every guest), provider timeouts, permissions (403), tokens (401).
 */
public final class SimulatedBackend implements ProvisioningBackend {

    /** A deployment's simulated terraform state. */
    private record DeploymentState(List<Integer> vmids, List<Boolean> tainted, Variables applied) { }

    private final SimulatedCluster cluster;
    private final SimulatedProvider provider;
    private final ModuleCatalog modules;
    private final Map<String, DeploymentState> states = new HashMap<>();
    private int plans;

    public SimulatedBackend(SimulatedCluster cluster, AddressPlan addresses, ModuleCatalog modules) {
        this.cluster = cluster;
        this.provider = new SimulatedProvider(cluster, addresses);
        this.modules = modules;
    }

    public SimulatedCluster cluster() {
        return cluster;
    }

    @Override
    public String target() {
        return "simulated";
    }

    @Override
    public InventorySource inventory() {
        return InventorySource.of(cluster::inventory);
    }

    @Override
    public synchronized PlanResult plan(ProvisionSpec spec, Variables variables, Cancellation cancellation) {
        Optional<String> invalid = invalidVariables(variables);
        if (invalid.isPresent()) {
            return new PlanResult.Failed(new StepFailure(Stage.PLAN, 1, invalid.get()));
        }
        DeploymentState state = states.get(spec.name());
        int want = ProvisionSpec.instanceCount(variables);
        int add;
        int destroy;
        if (state == null || state.vmids().isEmpty()) {
            add = want;
            destroy = 0;
        } else if (state.applied().equals(variables) && !state.tainted().contains(true)) {
            add = 0;
            destroy = 0;
        } else {
            add = want;
            destroy = state.vmids().size();
        }
        plans++;
        String id = sha16(spec.name() + "|" + variables + "|" + plans);
        String text = "Plan: " + add + " to add, 0 to change, " + destroy + " to destroy.";
        return new PlanResult.Planned(new Plan(spec, variables,
                new ApprovalGate.PlanSummary(spec.name(), id, add, 0, destroy, text), id));
    }

    @Override
    public synchronized ApplyResult apply(Plan plan, Cancellation cancellation) {
        ProvisionSpec spec = plan.spec();
        Variables v = plan.variables();
        GuestKind kind = spec.kind();
        String resource = kind.resourceType();
        StringBuilder stdout = new StringBuilder();
        StringBuilder stderr = new StringBuilder();
        DeploymentState previous = states.get(spec.name());
        if (plan.summary().add() == 0 && plan.summary().destroy() == 0 && previous != null) {
            stdout.append("\nApply complete! Resources: 0 added, 0 changed, 0 destroyed.\n");
            return new ApplyResult.Applied(guests(previous), previous.vmids().size(), stdout.toString());
        }
        if (previous != null) {
            for (int i = 0; i < previous.vmids().size(); i++) {
                stdout.append(resource).append(".this[").append(i).append("]: Destroying... [id=")
                        .append(previous.vmids().get(i)).append("]\n");
                provider.destroy(previous.vmids().get(i));
                stdout.append(resource).append(".this[").append(i).append("]: Destruction complete after 3s\n");
            }
        }
        List<String> names = ProvisionSpec.hostnames(v);
        List<Integer> vmids = new ArrayList<>();
        List<Boolean> tainted = new ArrayList<>();
        int added = 0;
        int line = modules.resourceLine(kind);
        for (int i = 0; i < names.size(); i++) {
            cancellation.throwIfCancelled();
            String address = resource + ".this[" + i + "]";
            stdout.append(address).append(": Creating...\n");
            SimulatedProvider.Outcome outcome = kind == GuestKind.LXC ? provider.createContainer(v, i, names.get(i))
                    : provider.cloneVm(v, i, names.get(i));
            switch (outcome) {
                case SimulatedProvider.Created created -> {
                    vmids.add(created.guest().vmid());
                    tainted.add(false);
                    added++;
                    stdout.append(address).append(": Creation complete after 14s [id=")
                            .append(created.guest().vmid()).append("]\n");
                }
                case SimulatedProvider.Failed failed -> {
                    if (failed.leftBehind() != null) {
                        vmids.add(failed.leftBehind().vmid());
                        tainted.add(true);
                    }
                    stderr.append(ProviderErrors.terraformError(failed.error(), address, line, resource));
                }
            }
        }
        states.put(spec.name(), new DeploymentState(vmids, tainted, v));
        if (!stderr.isEmpty()) {
            return new ApplyResult.Failed(new StepFailure(Stage.APPLY, 1, stderr.toString()));
        }
        stdout.append("\nApply complete! Resources: ").append(added).append(" added, 0 changed, ")
                .append(previous == null ? 0 : previous.vmids().size()).append(" destroyed.\n");
        DeploymentState now = states.get(spec.name());
        return new ApplyResult.Applied(guests(now), now.vmids().size(), stdout.toString());
    }

    @Override
    public synchronized DestroyResult destroy(ProvisionSpec spec, Variables variables, Cancellation cancellation) {
        DeploymentState state = states.remove(spec.name());
        if (state == null) {
            return new DestroyResult(true, "No changes. No objects need to be destroyed.");
        }
        state.vmids().forEach(provider::destroy);
        return new DestroyResult(true, "Destroy complete! Resources: " + state.vmids().size() + " destroyed.");
    }

    /** How many resources the deployment's state holds (tests). */
    public synchronized int stateCount(String deployment) {
        DeploymentState state = states.get(deployment);
        return state == null ? 0 : state.vmids().size();
    }

    private List<Guest> guests(DeploymentState state) {
        List<Guest> guests = new ArrayList<>();
        for (int vmid : state.vmids()) {
            cluster.findGuest(vmid).ifPresent(g -> guests.add(new Guest(String.valueOf(vmid), g.name(),
                    g.address())));
        }
        return guests;
    }

    /** What terraform itself refuses before any API call: values that do not fit the variable's type. */
    private static Optional<String> invalidVariables(Variables v) {
        for (String number : List.of("instance_count", "cores", "memory", "disk_size", "template_vmid", "swap")) {
            Optional<com.fasterxml.jackson.databind.JsonNode> value = v.get(number);
            if (value.isPresent() && !value.get().isNull() && !value.get().isNumber()
                    && !value.get().asText().strip().matches("-?\\d+(\\.\\d+)?")) {
                return Optional.of("╷\n│ Error: Invalid value for input variable\n│ \n│   on terraform.tfvars.json line 1:\n"
                        + "│ \n│ The given value is not suitable for var." + number + " declared at variables.tf: a "
                        + "number is required.\n╵\n");
            }
        }
        return Optional.empty();
    }

    private static String sha16(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
