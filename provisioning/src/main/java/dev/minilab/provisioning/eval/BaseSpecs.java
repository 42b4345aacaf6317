package dev.minilab.provisioning.eval;

import dev.minilab.provisioning.spec.ProvisionSpec;
import dev.minilab.provisioning.spec.SpecReader;

/** Correct specs for the simulated standard cluster ({@code SimulatedCluster.standard()}): the scenarios' bases. */
public final class BaseSpecs {

    private BaseSpecs() {
    }

    /** One Debian 12 container on pve1, DHCP, local-lvm, vmbr0. */
    public static ProvisionSpec lxc() {
        return SpecReader.parse("""
                {"name": "eval-lxc", "kind": "lxc",
                 "variables": {"node_name": "pve1", "hostname": "web", "instance_count": 1,
                   "template_file_id": "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
                   "datastore_id": "local-lvm", "bridge": "vmbr0", "cores": 1, "memory": 512, "disk_size": 8},
                 "checks": {"os": "debian 12", "ssh_user": "root"}}
                """);
    }

    /** One Ubuntu 24.04 clone of template 9000 on pve1, DHCP, local-lvm, vmbr0. */
    public static ProvisionSpec vm() {
        return SpecReader.parse("""
                {"name": "eval-vm", "kind": "vm",
                 "variables": {"node_name": "pve1", "hostname": "app", "instance_count": 1, "template_vmid": 9000,
                   "datastore_id": "local-lvm", "bridge": "vmbr0", "cores": 2, "memory": 2048, "disk_size": 20},
                 "checks": {"os": "ubuntu 24.04", "ssh_user": "ubuntu"}}
                """);
    }
}
