package dev.minilab.runtime.hcl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The inside of a file or block: attributes and nested blocks. In {@code .tf.json} a nested block is an object (or a
 * list of objects) in an attribute, so {@link #nested(String)} looks at both.
 *
 * @param attributes by name, in file order
 * @param blocks     nested blocks, in file order
 */
public record HclBody(Map<String, HclAttribute> attributes, List<HclBlock> blocks) {

    public HclBody {
        attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        blocks = List.copyOf(blocks);
    }

    public static HclBody empty() {
        return new HclBody(Map.of(), List.of());
    }

    public Optional<HclAttribute> attribute(String name) {
        return Optional.ofNullable(attributes.get(name));
    }

    /** The expression of attribute {@code name}, if set. */
    public Optional<HclExpr> expr(String name) {
        return attribute(name).map(HclAttribute::value);
    }

    /** Nested blocks of this type (with any labels). */
    public List<HclBlock> blocks(String type) {
        return blocks.stream().filter(b -> b.type().equals(type)).toList();
    }

    /**
     * Bodies of nested blocks named {@code type} without labels ({@code disk { … }}), plus objects given as the
     * attribute {@code type} (the .tf.json form, or {@code type = { … }}).
     */
    public List<Nested> nested(String type) {
        List<Nested> out = new ArrayList<>();
        for (HclBlock block : blocks(type)) {
            out.add(new Nested(block.body(), block.line()));
        }
        attribute(type).ifPresent(a -> {
            if (a.value() instanceof HclExpr.ObjectExpr object) {
                out.add(new Nested(fromObject(object, a.line()), a.line()));
            } else if (a.value() instanceof HclExpr.TupleExpr tuple) {
                for (HclExpr item : tuple.items()) {
                    if (item instanceof HclExpr.ObjectExpr object) {
                        out.add(new Nested(fromObject(object, a.line()), a.line()));
                    }
                }
            }
        });
        return out;
    }

    /** A nested body and the line it starts on (0 when unknown). */
    public record Nested(HclBody body, int line) {
    }

    static HclBody fromObject(HclExpr.ObjectExpr object, int line) {
        Map<String, HclAttribute> attributes = new LinkedHashMap<>();
        object.entries().forEach((k, v) -> attributes.put(k, new HclAttribute(k, v, line)));
        return new HclBody(attributes, List.of());
    }
}
