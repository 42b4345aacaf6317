package dev.minilab.runtime.hcl;

/** {@code name = value} at {@code line} (1-based; 0 when unknown, as in .tf.json). */
public record HclAttribute(String name, HclExpr value, int line) {
}
