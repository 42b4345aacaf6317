terraform {
  required_version = ">= 1.5.0"

  required_providers {
    proxmox = {
      # bpg/proxmox, pinned to one minor version: the error texts MiniLab's diagnosis and simulated backend expect
      # are those of 0.96.x (see docs/PROVISIONING.md). The nonexistent hashicorp/proxmox is not a provider.
      source  = "bpg/proxmox"
      version = "~> 0.96.0"
    }
  }
}
