output "ids" {
  description = "VMIDs of the VMs, in creation order."
  value       = proxmox_virtual_environment_vm.this[*].vm_id
}

output "hostnames" {
  description = "Names (and cloud-init hostnames) of the VMs, in the same order."
  value       = local.names
}

output "ipv4_addresses" {
  description = "First non-loopback IPv4 address the guest agent reports per VM (the static address when given)."
  value = [
    for i, vm in proxmox_virtual_environment_vm.this :
    length(var.ipv4_addresses) > 0 ? split("/", var.ipv4_addresses[i])[0] : try(
      [for ip in flatten(vm.ipv4_addresses) : ip if ip != "127.0.0.1"][0], null
    )
  ]
}
