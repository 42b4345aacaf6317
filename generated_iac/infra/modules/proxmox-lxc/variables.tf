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
  description = "Proxmox node that runs the containers, e.g. pve1."
  type        = string
}

variable "datastore_id" {
  description = "Storage pool for the root filesystems; it must allow content type rootdir (e.g. local-lvm)."
  type        = string
  default     = "local-lvm"
}

variable "bridge" {
  description = "Network bridge of the containers' eth0."
  type        = string
  default     = "vmbr0"
}

variable "vlan_id" {
  description = "VLAN tag on the bridge, or null for none."
  type        = number
  default     = null
}

# ---- what to build ----
variable "template_file_id" {
  description = "CT template volume id (ostemplate), e.g. local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst."
  type        = string
}

variable "os_type" {
  description = "Distribution of the template (debian, ubuntu, alpine, ...); Proxmox sets the container up for it."
  type        = string
  default     = "debian"
}

variable "instance_count" {
  description = "How many containers to create."
  type        = number
  default     = 1

  validation {
    condition     = var.instance_count >= 1 && var.instance_count <= 50
    error_message = "instance_count must be between 1 and 50."
  }
}

variable "vm_id" {
  description = "VMID of the first container (the next ones count up), or null to let Proxmox pick free ids."
  type        = number
  default     = null
}

variable "hostname" {
  description = "Hostname; with more than one container each gets -1, -2, ... appended."
  type        = string
}

variable "cores" {
  description = "CPU cores per container."
  type        = number
  default     = 1
}

variable "memory" {
  description = "Memory per container in MiB."
  type        = number
  default     = 512
}

variable "swap" {
  description = "Swap per container in MiB."
  type        = number
  default     = 512
}

variable "disk_size" {
  description = "Root filesystem size in GiB."
  type        = number
  default     = 8
}

variable "ipv4_addresses" {
  description = "Static IPv4 addresses in CIDR form, one per container; empty = DHCP for all."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.ipv4_addresses : can(cidrhost(a, 0))])
    error_message = "Each entry of ipv4_addresses must be an address in CIDR form, e.g. 10.0.0.50/24."
  }
}

variable "ipv4_gateway" {
  description = "IPv4 gateway for static addresses (ignored with DHCP)."
  type        = string
  default     = null
}

variable "ssh_public_keys" {
  description = "SSH public keys installed for root."
  type        = list(string)
  default     = []
}

variable "unprivileged" {
  description = "Run the containers unprivileged (recommended)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Proxmox tags."
  type        = list(string)
  default     = ["minilab"]
}

variable "started" {
  description = "Start the containers after creating them."
  type        = bool
  default     = true
}
