package dev.minilab.runtime.hcl;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An attribute's expression, as far as the checks need to understand it: literals, references, templates, objects,
 * lists, and the operators and conditionals between them (so {@code var.vm_id + count.index} can be evaluated per
 * instance). Anything else (function calls, for expressions, index access, unary operators) is {@link Other}: the
 * checks skip it rather than guess.
 */
public sealed interface HclExpr {

    /** A literal: String, java.math.BigDecimal, Boolean, or null. */
    record Literal(Object value) implements HclExpr {
        @Override
        public String toString() {
            return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
        }
    }

    /** A plain traversal such as {@code var.node}, {@code local.ds}, {@code count.index}. */
    record Reference(List<String> path) implements HclExpr {
        public Reference {
            path = List.copyOf(path);
        }

        public String text() {
            return String.join(".", path);
        }

        @Override
        public String toString() {
            return text();
        }
    }

    /** A string with interpolations, e.g. {@code "web-${var.env}"}: literal parts and expressions in order. */
    record Template(List<HclExpr> parts) implements HclExpr {
        public Template {
            parts = List.copyOf(parts);
        }

        @Override
        public String toString() {
            return "\"" + parts.stream().map(p -> p instanceof Literal l && l.value() instanceof String s ? s
                    : "${" + p + "}").collect(Collectors.joining()) + "\"";
        }
    }

    /** An object {@code { a = 1 }} (also how a nested block looks in .tf.json). */
    record ObjectExpr(Map<String, HclExpr> entries) implements HclExpr {
        public ObjectExpr {
            entries = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(entries));
        }
    }

    /** A list or tuple {@code [a, b]}. */
    record TupleExpr(List<HclExpr> items) implements HclExpr {
        public TupleExpr {
            items = List.copyOf(items);
        }
    }

    /** {@code left operator right}; operator is one of {@code || && == != < <= > >= + - * / %}. */
    record Binary(String operator, HclExpr left, HclExpr right) implements HclExpr {
        public Binary {
            Objects.requireNonNull(operator, "operator");
            Objects.requireNonNull(left, "left");
            Objects.requireNonNull(right, "right");
        }

        @Override
        public String toString() {
            return "(" + left + " " + operator + " " + right + ")";
        }
    }

    /** {@code condition ? whenTrue : whenFalse}. */
    record Conditional(HclExpr condition, HclExpr whenTrue, HclExpr whenFalse) implements HclExpr {
        public Conditional {
            Objects.requireNonNull(condition, "condition");
            Objects.requireNonNull(whenTrue, "whenTrue");
            Objects.requireNonNull(whenFalse, "whenFalse");
        }

        @Override
        public String toString() {
            return "(" + condition + " ? " + whenTrue + " : " + whenFalse + ")";
        }
    }

    /** An expression the checks do not evaluate; {@code description} says what it is (for messages). */
    record Other(String description) implements HclExpr {
        public Other {
            Objects.requireNonNull(description, "description");
        }

        @Override
        public String toString() {
            return "(" + description + ")";
        }
    }
}
