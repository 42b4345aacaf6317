# Debian (or any CT template) LXC containers on one Proxmox node: DHCP or static IPv4, `instance_count` of them.
locals {
  names = [
    for i in range(var.instance_count) : var.instance_count == 1 ? var.hostname : "${var.hostname}-${i + 1}"
  ]
}

resource "proxmox_virtual_environment_container" "this" {
  count = var.instance_count

  node_name    = var.node_name
  vm_id        = var.vm_id == null ? null : var.vm_id + count.index
  unprivileged = var.unprivileged
  started      = var.started
  tags         = var.tags
  description  = "Managed by MiniLab (terraform, module proxmox-lxc)"

  operating_system {
    template_file_id = var.template_file_id
    type             = var.os_type
  }

  cpu {
    cores = var.cores
  }

  memory {
    dedicated = var.memory
    swap      = var.swap
  }

  disk {
    datastore_id = var.datastore_id
    size         = var.disk_size
  }

  network_interface {
    name    = "eth0"
    bridge  = var.bridge
    vlan_id = var.vlan_id
  }

  initialization {
    hostname = local.names[count.index]

    ip_config {
      ipv4 {
        address = length(var.ipv4_addresses) == 0 ? "dhcp" : var.ipv4_addresses[count.index]
        gateway = length(var.ipv4_addresses) == 0 ? null : var.ipv4_gateway
      }
    }

    user_account {
      keys = var.ssh_public_keys
    }
  }
}
