package dev.minilab.provisioning.simulated;

/**
 * Where a simulated guest answers SSH. The default gives DHCP-style addresses ({@code 10.20.0.<vmid>}) or the static
 * address of the spec; tests point every guest at a real sshd ({@code 127.0.0.1:<port>}).
 */
@FunctionalInterface
public interface AddressPlan {

    /**
     * @param vmid          the guest's VMID
     * @param index         its index in the module's count
     * @param staticAddress the spec's static address for it (without prefix length), or null for DHCP
     */
    String address(int vmid, int index, String staticAddress);

    static AddressPlan dhcp() {
        return (vmid, index, staticAddress) -> staticAddress != null ? staticAddress
                : "10.20." + (vmid / 250) + "." + (vmid % 250);
    }

    /** Every guest answers at {@code address} (a test's sshd). */
    static AddressPlan fixed(String address) {
        return (vmid, index, staticAddress) -> address;
    }
}
