package dev.minilab.runtime.hcl;

import java.util.List;

/**
 * A block such as {@code resource "proxmox_virtual_environment_vm" "web" { … }}.
 *
 * @param type   the block type (resource, module, variable, terraform, …)
 * @param labels the labels after the type
 * @param line   1-based line of the block (0 when unknown)
 */
public record HclBlock(String type, List<String> labels, HclBody body, int line) {

    public HclBlock {
        labels = List.copyOf(labels);
    }

    public String label(int index) {
        return index < labels.size() ? labels.get(index) : "";
    }

    /** How terraform names it in messages, e.g. {@code resource "x" "y"}. */
    public String title() {
        StringBuilder out = new StringBuilder(type);
        labels.forEach(l -> out.append(" \"").append(l).append('"'));
        return out.toString();
    }
}
