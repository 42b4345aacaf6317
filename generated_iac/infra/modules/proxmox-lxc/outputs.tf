output "ids" {
  description = "VMIDs of the containers, in creation order."
  value       = proxmox_virtual_environment_container.this[*].vm_id
}

output "hostnames" {
  description = "Hostnames of the containers, in the same order."
  value       = local.names
}

output "ipv4_addresses" {
  description = "IPv4 address of each container's eth0 (the static address, or what DHCP gave; null while unknown)."
  value = [
    for i, c in proxmox_virtual_environment_container.this :
    length(var.ipv4_addresses) > 0 ? split("/", var.ipv4_addresses[i])[0] : lookup(c.ipv4, "eth0", null)
  ]
}
