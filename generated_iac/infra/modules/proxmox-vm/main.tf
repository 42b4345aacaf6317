# Clones of a cloud-init VM template on one Proxmox node: cloud-init user with SSH keys, qemu-guest-agent on (the
# provider waits for the agent to report the addresses), DHCP or static IPv4, `instance_count` of them.
locals {
  names = [
    for i in range(var.instance_count) : var.instance_count == 1 ? var.hostname : "${var.hostname}-${i + 1}"
  ]
}

resource "proxmox_virtual_environment_vm" "this" {
  count = var.instance_count

  node_name   = var.node_name
  vm_id       = var.vm_id == null ? null : var.vm_id + count.index
  name        = local.names[count.index]
  started     = var.started
  tags        = var.tags
  description = "Managed by MiniLab (terraform, module proxmox-vm)"

  clone {
    vm_id        = var.template_vmid
    node_name    = var.template_node
    datastore_id = var.datastore_id
    full         = var.full_clone
  }

  agent {
    enabled = true
  }

  cpu {
    cores = var.cores
  }

  memory {
    dedicated = var.memory
  }

  disk {
    interface    = "scsi0"
    datastore_id = var.datastore_id
    size         = var.disk_size
  }

  network_device {
    bridge  = var.bridge
    vlan_id = var.vlan_id
  }

  initialization {
    datastore_id = var.datastore_id

    ip_config {
      ipv4 {
        address = length(var.ipv4_addresses) == 0 ? "dhcp" : var.ipv4_addresses[count.index]
        gateway = length(var.ipv4_addresses) == 0 ? null : var.ipv4_gateway
      }
    }

    user_account {
      username = var.ci_user
      keys     = var.ssh_public_keys
    }
  }
}
