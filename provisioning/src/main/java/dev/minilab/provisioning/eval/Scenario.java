package dev.minilab.provisioning.eval;

import dev.minilab.provisioning.spec.ChangeSet;
import dev.minilab.provisioning.spec.GuestKind;
import dev.minilab.provisioning.spec.ProvisionSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The six fault scenarios of seed 000's eval suite: a correct base spec of the kind, with the scenario's faults
 * written over its variables.
 */
public enum Scenario {
    LXC_HAPPY_PATH("lxc-happy-path", GuestKind.LXC, "one Debian LXC, correct spec", Map.of()),
    VM_HAPPY_PATH("vm-happy-path", GuestKind.VM, "one Ubuntu VM clone of template 9000, correct spec", Map.of()),
    FAIL_SIMPLE("fail-simple", GuestKind.LXC, "wrong storage pool", Map.of("datastore_id", "local-zfs")),
    FAIL_COMPLEX("fail-complex", GuestKind.LXC, "wrong storage pool, ostemplate and bridge", Map.of(
            "datastore_id", "local-zfs",
            "template_file_id", "local:vztmpl/debian-11-standard_11.7-1_amd64.tar.zst",
            "bridge", "vmbr1")),
    FAIL_VM_SIMPLE("fail-vm-simple", GuestKind.VM, "template VMID 9999 instead of 9000", Map.of("template_vmid", 9999)),
    FAIL_VM_COMPLEX("fail-vm-complex", GuestKind.VM, "bad template and bad storage pool", Map.of(
            "template_vmid", 9999,
            "datastore_id", "local-zfs"));

    private final String id;
    private final GuestKind kind;
    private final String description;
    private final Map<String, Object> faults;

    Scenario(String id, GuestKind kind, String description, Map<String, Object> faults) {
        this.id = id;
        this.kind = kind;
        this.description = description;
        this.faults = faults;
    }

    public String id() {
        return id;
    }

    public GuestKind kind() {
        return kind;
    }

    public String description() {
        return description;
    }

    public boolean failureScenario() {
        return !faults.isEmpty();
    }

    /** The scenario's spec: {@code base} (a correct spec of this kind) renamed, with the faults applied. */
    public ProvisionSpec spec(ProvisionSpec base) {
        if (base.kind() != kind) {
            throw new IllegalArgumentException(id + " needs a " + kind.id() + " base spec, got " + base.kind().id());
        }
        ProvisionSpec faulty = base.withVariables(base.variables().with(ChangeSet.ofPlain(faults)));
        return new ProvisionSpec(id, kind, faulty.variables(), faulty.expectedCount(), faulty.checks(),
                faulty.destroyOnFailure());
    }

    public static Optional<Scenario> parse(String text) {
        return Arrays.stream(values()).filter(s -> s.id.equals(text == null ? "" : text.strip())).findFirst();
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(Scenario::id).toList();
    }
}
