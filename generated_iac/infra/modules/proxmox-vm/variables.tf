# ---- connection (set through the environment, see provider.tf) ----
variable "pm_api_url" {
  description = "Proxmox VE API endpoint as bpg/proxmox takes it, https://host:8006/ (TF_VAR_pm_api_url, which MiniLab sets from PM_API_URL in either form)."
  type        = string
}

variable "pm_token_id" {
  description = "API token id, user@realm!tokenname (TF_VAR_pm_token_id from PM_TOKEN_ID)."
  type        = string
  sensitive   = true
}

variable "pm_token_secret" {
  description = "API token secret (TF_VAR_pm_token_secret from PM_TOKEN_SECRET)."
  type        = string
  sensitive   = true
}

variable "pm_tls_insecure" {
  description = "Skip TLS verification of the API (PM_TLS_INSECURE=true); prefer a trusted certificate."
  type        = bool
  default     = false
}

# ---- placement ----
variable "node_name" {
  description = "Proxmox node that runs the VMs, e.g. pve1."
  type        = string
}

variable "datastore_id" {
  description = "Storage pool for the cloned disks and the cloud-init drive; it must allow content type images (e.g. local-lvm)."
  type        = string
  default     = "local-lvm"
}

variable "bridge" {
  description = "Network bridge of the VMs' first NIC."
  type        = string
  default     = "vmbr0"
}

variable "vlan_id" {
  description = "VLAN tag on the bridge, or null for none."
  type        = number
  default     = null
}

# ---- what to build ----
variable "template_vmid" {
  description = "VMID of the VM template to clone (with cloud-init and qemu-guest-agent installed), e.g. 9000."
  type        = number
}

variable "template_node" {
  description = "Node that holds the template, or null when it is node_name."
  type        = string
  default     = null
}

variable "full_clone" {
  description = "Full clone (independent disks) rather than a linked clone."
  type        = bool
  default     = true
}

variable "instance_count" {
  description = "How many VMs to create."
  type        = number
  default     = 1

  validation {
    condition     = var.instance_count >= 1 && var.instance_count <= 50
    error_message = "instance_count must be between 1 and 50."
  }
}

variable "vm_id" {
  description = "VMID of the first VM (the next ones count up), or null to let Proxmox pick free ids."
  type        = number
  default     = null
}

variable "hostname" {
  description = "VM name and hostname (cloud-init); with more than one VM each gets -1, -2, ... appended."
  type        = string
}

variable "cores" {
  description = "CPU cores per VM."
  type        = number
  default     = 2
}

variable "memory" {
  description = "Memory per VM in MiB."
  type        = number
  default     = 2048
}

variable "disk_size" {
  description = "Size of the first disk (scsi0) in GiB; at least the template's disk size."
  type        = number
  default     = 20
}

variable "ipv4_addresses" {
  description = "Static IPv4 addresses in CIDR form, one per VM; empty = DHCP for all."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.ipv4_addresses : can(cidrhost(a, 0))])
    error_message = "Each entry of ipv4_addresses must be an address in CIDR form, e.g. 10.0.0.60/24."
  }
}

variable "ipv4_gateway" {
  description = "IPv4 gateway for static addresses (ignored with DHCP)."
  type        = string
  default     = null
}

variable "ci_user" {
  description = "User cloud-init creates, with the SSH keys below."
  type        = string
  default     = "ubuntu"
}

variable "ssh_public_keys" {
  description = "SSH public keys installed for ci_user."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Proxmox tags."
  type        = list(string)
  default     = ["minilab"]
}

variable "started" {
  description = "Start the VMs after creating them."
  type        = bool
  default     = true
}
