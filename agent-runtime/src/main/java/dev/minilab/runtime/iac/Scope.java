package dev.minilab.runtime.iac;

import dev.minilab.runtime.hcl.HclExpr;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluates the expressions the checks need, strictly: literals, {@code var.x}, {@code local.x}, {@code count.index}
 * (in a scope made for one instance, {@link #withCountIndex}), templates of those, objects and lists, arithmetic
 * ({@code + - *}) on numbers, comparisons, {@code && ||} and {@code ? :}. Anything else (function calls, division,
 * resource or data references, comparisons whose operand types terraform would convert) is {@link #UNKNOWN}, and a
 * check skips an unknown value instead of guessing.
 */
public final class Scope {

    /** A value terraform knows only at plan time. */
    public static final Object UNKNOWN = new Object() {
        @Override
        public String toString() {
            return "(known only to terraform)";
        }
    };

    private final Map<String, Object> variables;
    private final Map<String, HclExpr> locals;
    private final Set<String> evaluating = new HashSet<>();
    private final BigDecimal countIndex;

    /**
     * @param variables the module's input variable values (already evaluated; may hold {@link #UNKNOWN})
     * @param locals    the module's locals, unevaluated
     */
    public Scope(Map<String, Object> variables, Map<String, HclExpr> locals) {
        this(variables, locals, null);
    }

    private Scope(Map<String, Object> variables, Map<String, HclExpr> locals, BigDecimal countIndex) {
        this.variables = new LinkedHashMap<>(variables);
        this.locals = new LinkedHashMap<>(locals);
        this.countIndex = countIndex;
    }

    /** This scope for instance {@code index} of a resource with {@code count}: {@code count.index} is known. */
    public Scope withCountIndex(int index) {
        return new Scope(variables, locals, BigDecimal.valueOf(index));
    }

    public static Scope empty() {
        return new Scope(Map.of(), Map.of());
    }

    /** The value of {@code expr}: String, BigDecimal, Boolean, null, List, Map, or {@link #UNKNOWN}. */
    public Object eval(HclExpr expr) {
        return switch (expr) {
            case HclExpr.Literal l -> l.value();
            case HclExpr.Reference r -> reference(r.path());
            case HclExpr.Template t -> template(t);
            case HclExpr.ObjectExpr o -> {
                Map<String, Object> out = new LinkedHashMap<>();
                o.entries().forEach((k, v) -> out.put(k, eval(v)));
                yield out;
            }
            case HclExpr.TupleExpr t -> {
                List<Object> out = new ArrayList<>();
                t.items().forEach(i -> out.add(eval(i)));
                yield out;
            }
            case HclExpr.Binary b -> binary(b.operator(), eval(b.left()), eval(b.right()));
            case HclExpr.Conditional c -> {
                Object condition = eval(c.condition());
                yield condition instanceof Boolean chosen ? eval(chosen ? c.whenTrue() : c.whenFalse()) : UNKNOWN;
            }
            case HclExpr.Other o -> UNKNOWN;
        };
    }

    /** Terraform's result of {@code left op right}, or {@link #UNKNOWN} when it cannot be known exactly here. */
    private static Object binary(String op, Object left, Object right) {
        if (left == UNKNOWN || right == UNKNOWN) {
            return UNKNOWN;
        }
        switch (op) {
            case "==", "!=" -> {
                Object same = same(left, right);
                return same == UNKNOWN ? UNKNOWN : op.equals("==") == (Boolean) same;
            }
            case "&&", "||" -> {
                if (left instanceof Boolean a && right instanceof Boolean b) {
                    return op.equals("&&") ? a && b : a || b;
                }
                return UNKNOWN;
            }
            default -> {
                BigDecimal a = number(left);
                BigDecimal b = number(right);
                if (a == null || b == null) {
                    return UNKNOWN;
                }
                return switch (op) {
                    case "+" -> a.add(b);
                    case "-" -> a.subtract(b);
                    case "*" -> a.multiply(b);
                    case "<" -> a.compareTo(b) < 0;
                    case "<=" -> a.compareTo(b) <= 0;
                    case ">" -> a.compareTo(b) > 0;
                    case ">=" -> a.compareTo(b) >= 0;
                    default -> UNKNOWN; // division and modulo: terraform's float rules, not needed by any check
                };
            }
        }
    }

    /** Terraform's equality of two known values; {@link #UNKNOWN} where terraform's type conversion would decide. */
    private static Object same(Object left, Object right) {
        if (left == null || right == null) {
            return left == right;
        }
        if (left instanceof BigDecimal a && right instanceof BigDecimal b) {
            return a.compareTo(b) == 0;
        }
        if ((left instanceof String || left instanceof Boolean) && left.getClass() == right.getClass()) {
            return left.equals(right);
        }
        return UNKNOWN;
    }

    /** A number, or a string terraform converts to one; null otherwise. */
    private static BigDecimal number(Object value) {
        if (value instanceof BigDecimal d) {
            return d;
        }
        if (value instanceof String s && s.strip().matches("-?\\d+(\\.\\d+)?")) {
            return new BigDecimal(s.strip());
        }
        return null;
    }

    /** The value as a string, when it is a known scalar. */
    public Optional<String> string(HclExpr expr) {
        Object v = eval(expr);
        return v instanceof String || v instanceof BigDecimal || v instanceof Boolean
                ? Optional.of(scalarText(v)) : Optional.empty();
    }

    /** The value as a whole number, when it is a known number (or a string of digits, as terraform converts). */
    public Optional<Integer> integer(HclExpr expr) {
        Object v = eval(expr);
        try {
            if (v instanceof BigDecimal d) {
                return Optional.of(d.intValueExact());
            }
            if (v instanceof String s && s.strip().matches("\\d{1,9}")) {
                return Optional.of(Integer.parseInt(s.strip()));
            }
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private Object reference(List<String> path) {
        if (path.size() < 2) {
            return UNKNOWN;
        }
        Object value;
        if (path.equals(List.of("count", "index"))) {
            return countIndex == null ? UNKNOWN : countIndex;
        }
        if (path.getFirst().equals("var")) {
            value = variables.getOrDefault(path.get(1), UNKNOWN);
        } else if (path.getFirst().equals("local")) {
            String name = path.get(1);
            HclExpr local = locals.get(name);
            if (local == null || !evaluating.add(name)) {
                return UNKNOWN;
            }
            try {
                value = eval(local);
            } finally {
                evaluating.remove(name);
            }
        } else {
            return UNKNOWN;
        }
        for (String key : path.subList(2, path.size())) {
            if (value instanceof Map<?, ?> map && map.containsKey(key)) {
                value = map.get(key);
            } else {
                return UNKNOWN;
            }
        }
        return value;
    }

    private Object template(HclExpr.Template t) {
        StringBuilder out = new StringBuilder();
        for (HclExpr part : t.parts()) {
            Object v = eval(part);
            if (!(v instanceof String || v instanceof BigDecimal || v instanceof Boolean)) {
                return UNKNOWN;
            }
            out.append(scalarText(v));
        }
        return out.toString();
    }

    static String scalarText(Object v) {
        return v instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : String.valueOf(v);
    }
}
