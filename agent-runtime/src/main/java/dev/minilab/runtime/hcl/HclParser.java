package dev.minilab.runtime.hcl;

import com.bertramlabs.plugins.hcl4j.symbols.HCLArray;
import com.bertramlabs.plugins.hcl4j.symbols.HCLAttribute;
import com.bertramlabs.plugins.hcl4j.symbols.HCLBlock;
import com.bertramlabs.plugins.hcl4j.symbols.HCLMap;
import com.bertramlabs.plugins.hcl4j.symbols.HCLValue;
import com.bertramlabs.plugins.hcl4j.symbols.Symbol;
import com.bertramlabs.plugins.hcl4j.RuntimeSymbols.GroupedExpression;
import com.bertramlabs.plugins.hcl4j.RuntimeSymbols.Operator;
import com.bertramlabs.plugins.hcl4j.RuntimeSymbols.StringInterpolatedExpression;
import com.bertramlabs.plugins.hcl4j.RuntimeSymbols.Variable;
import com.bertramlabs.plugins.hcl4j.RuntimeSymbols.VariableTree;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses Terraform configuration: native syntax ({@code .tf}, {@code .tfvars}) with hcl4j's HCL grammar, JSON syntax
 * ({@code .tf.json}, {@code .tfvars.json}) with Jackson, both into the same {@link HclBody} model.
 *
 * <p>Only hcl4j's lexer (its JFlex grammar, which builds the symbol tree) is used, not {@code HCLParser.parse}: that
 * method also evaluates the configuration, and its evaluation performs {@code data "http"} lookups over the network
 * while parsing and folds unknown values into wrong ones ({@code 105 + count.index} becomes 105,
 * {@code "web-${count.index}"} becomes "web-count.index"). The lexer class is package-private in hcl4j 0.9.8, so it
 * is reached by reflection here (one place, covered by the tests; the version is pinned in the parent POM). The
 * grammar is lenient (an unclosed block may be dropped silently), so callers that can run terraform also run its own
 * grammar ({@code terraform validate}), see {@code dev.minilab.runtime.iac.TerraformCli}.
 */
public final class HclParser {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TRAVERSAL = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*(\\.[A-Za-z_][A-Za-z0-9_-]*)*");
    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([^}]*)}");
    private static final Constructor<?> LEXER;
    private static final Method YYLEX;
    private static final Field ELEMENTS;

    static {
        try {
            Class<?> lexer = Class.forName("com.bertramlabs.plugins.hcl4j.HCLLexer");
            LEXER = lexer.getDeclaredConstructor(Reader.class);
            LEXER.setAccessible(true);
            YYLEX = lexer.getDeclaredMethod("yylex");
            YYLEX.setAccessible(true);
            ELEMENTS = lexer.getDeclaredField("elementStack");
            ELEMENTS.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("hcl4j's lexer is not where MiniLab expects it (hcl4j version "
                    + "changed?): " + e);
        }
    }

    private HclParser() {
    }

    /** Parses {@code file}: JSON syntax when the name ends in {@code .json}, native syntax otherwise. */
    public static HclFile parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new HclSyntaxException(file, file.getFileName() + ": cannot read (" + e.getMessage() + ")", e);
        }
        return file.getFileName().toString().endsWith(".json") ? parseJson(file, text) : parseNative(file, text);
    }

    /** Parses native HCL text ({@code file} only names it in messages). */
    public static HclFile parseNative(Path file, String text) {
        List<Symbol> symbols;
        try {
            Object lexer = LEXER.newInstance(new StringReader(text));
            YYLEX.invoke(lexer);
            @SuppressWarnings("unchecked")
            List<Symbol> elements = (List<Symbol>) ELEMENTS.get(lexer);
            symbols = elements == null ? List.of() : List.copyOf(elements);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new HclSyntaxException(file, name(file) + ": not valid HCL: " + cleanup(cause.getMessage()), cause);
        } catch (ReflectiveOperationException e) {
            throw new HclSyntaxException(file, name(file) + ": the HCL parser failed: " + e, e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new HclSyntaxException(file, name(file) + ": not valid HCL (" + e + ")", e);
        }
        return new HclFile(file, body(file, symbols));
    }

    /** Parses JSON-syntax configuration ({@code .tf.json}, {@code .tfvars.json}). */
    public static HclFile parseJson(Path file, String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new HclSyntaxException(file, name(file) + ": not valid JSON at line " + e.getLocation().getLineNr()
                    + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new HclSyntaxException(file, name(file) + ": a Terraform JSON file must hold one JSON object", null);
        }
        if (name(file).endsWith(".tfvars.json")) {
            Map<String, HclAttribute> attributes = new LinkedHashMap<>();
            root.fields().forEachRemaining(e -> attributes.put(e.getKey(), new HclAttribute(e.getKey(),
                    jsonExpr(e.getValue()), 0)));
            return new HclFile(file, new HclBody(attributes, List.of()));
        }
        List<HclBlock> blocks = new ArrayList<>();
        Map<String, HclAttribute> attributes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String type = e.getKey();
            if (type.equals("//")) {
                continue;
            }
            int depth = switch (type) {
                case "resource", "data" -> 2;
                case "variable", "provider", "module", "output", "check" -> 1;
                case "terraform", "locals", "moved", "import", "removed" -> 0;
                default -> -1;
            };
            if (depth < 0) {
                attributes.put(type, new HclAttribute(type, jsonExpr(e.getValue()), 0));
                continue;
            }
            jsonBlocks(file, type, new ArrayList<>(), e.getValue(), depth, blocks);
        }
        return new HclFile(file, new HclBody(attributes, blocks));
    }

    private static void jsonBlocks(Path file, String type, List<String> labels, JsonNode node, int depth,
                                   List<HclBlock> out) {
        if (node.isArray()) {
            for (JsonNode item : node) {
                jsonBlocks(file, type, labels, item, depth, out);
            }
            return;
        }
        if (!node.isObject()) {
            throw new HclSyntaxException(file, name(file) + ": \"" + type + "\" " + String.join(" ", labels)
                    + " must be a JSON object", null);
        }
        if (depth == 0) {
            Map<String, HclAttribute> attributes = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> {
                if (!e.getKey().equals("//")) {
                    attributes.put(e.getKey(), new HclAttribute(e.getKey(), jsonExpr(e.getValue()), 0));
                }
            });
            out.add(new HclBlock(type, labels, new HclBody(attributes, List.of()), 0));
            return;
        }
        node.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("//")) {
                List<String> more = new ArrayList<>(labels);
                more.add(e.getKey());
                jsonBlocks(file, type, more, e.getValue(), depth - 1, out);
            }
        });
    }

    private static HclExpr jsonExpr(JsonNode node) {
        if (node == null || node.isNull()) {
            return new HclExpr.Literal(null);
        }
        if (node.isTextual()) {
            return templateOf(node.asText());
        }
        if (node.isNumber()) {
            return new HclExpr.Literal(node.decimalValue());
        }
        if (node.isBoolean()) {
            return new HclExpr.Literal(node.booleanValue());
        }
        if (node.isArray()) {
            List<HclExpr> items = new ArrayList<>();
            node.forEach(item -> items.add(jsonExpr(item)));
            return new HclExpr.TupleExpr(items);
        }
        Map<String, HclExpr> entries = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("//")) {
                entries.put(e.getKey(), jsonExpr(e.getValue()));
            }
        });
        return new HclExpr.ObjectExpr(entries);
    }

    /** A JSON string: literal, or a template whose interpolations are plain traversals (else not evaluated). */
    static HclExpr templateOf(String text) {
        if (!text.contains("${") && !text.contains("%{")) {
            return new HclExpr.Literal(text);
        }
        if (text.contains("%{") || text.contains("$${")) {
            return new HclExpr.Other("template directive");
        }
        List<HclExpr> parts = new ArrayList<>();
        Matcher m = INTERPOLATION.matcher(text);
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                parts.add(new HclExpr.Literal(text.substring(last, m.start())));
            }
            String inner = m.group(1).strip();
            if (!TRAVERSAL.matcher(inner).matches()) {
                return new HclExpr.Other("expression ${" + inner + "}");
            }
            parts.add(new HclExpr.Reference(List.of(inner.split("\\."))));
            last = m.end();
        }
        if (text.indexOf("${", last) >= 0) {
            return new HclExpr.Other("unclosed interpolation");
        }
        if (last < text.length()) {
            parts.add(new HclExpr.Literal(text.substring(last)));
        }
        return parts.size() == 1 && parts.getFirst() instanceof HclExpr.Reference ? parts.getFirst()
                : new HclExpr.Template(parts);
    }

    // ---- native syntax: hcl4j symbols → model ----

    private static HclBody body(Path file, List<Symbol> symbols) {
        Map<String, HclAttribute> attributes = new LinkedHashMap<>();
        List<HclBlock> blocks = new ArrayList<>();
        for (Symbol symbol : symbols) {
            if (symbol instanceof HCLBlock block) {
                List<String> names = block.blockNames == null ? List.of() : block.blockNames;
                if (names.isEmpty()) {
                    throw new HclSyntaxException(file, name(file) + " line " + line(symbol) + ": a block without a "
                            + "type", null);
                }
                blocks.add(new HclBlock(names.getFirst(), names.subList(1, names.size()),
                        body(file, children(symbol)), line(symbol)));
            } else if (symbol instanceof HCLAttribute attribute) {
                String name = attribute.getName();
                if (name == null) {
                    continue; // a computed key (rare): nothing the checks look at
                }
                attributes.put(name, new HclAttribute(name, attributeValue(file, attribute), line(symbol)));
            }
        }
        return new HclBody(attributes, blocks);
    }

    private static HclExpr attributeValue(Path file, HCLAttribute attribute) {
        List<Symbol> children = children(attribute);
        if (children.isEmpty()) {
            throw new HclSyntaxException(file, name(file) + " line " + line(attribute) + ": attribute \""
                    + attribute.getName() + "\" has no value", null);
        }
        if (children.size() > 1) {
            return operation(file, children);
        }
        return expr(file, children.getFirst());
    }

    /** Binary operators by precedence, as terraform ranks them (higher binds tighter). */
    private static final Map<String, Integer> PRECEDENCE = Map.ofEntries(Map.entry("||", 1), Map.entry("&&", 2),
            Map.entry("==", 3), Map.entry("!=", 3), Map.entry("<", 4), Map.entry("<=", 4), Map.entry(">", 4),
            Map.entry(">=", 4), Map.entry("+", 5), Map.entry("-", 5), Map.entry("*", 6), Map.entry("/", 6),
            Map.entry("%", 6));

    /**
     * hcl4j's lexer gives an expression with operators as a flat list: operand, operator, operand, ... This builds
     * the tree (binary operators by precedence, {@code ? :} lowest and right-associative); any other shape (unary
     * operators, unknown operators) is {@link HclExpr.Other}.
     */
    private static HclExpr operation(Path file, List<Symbol> items) {
        int[] at = {0};
        try {
            HclExpr e = conditional(file, items, at);
            return at[0] == items.size() ? e : new HclExpr.Other("expression");
        } catch (IllegalStateException e) {
            return new HclExpr.Other("expression");
        }
    }

    private static HclExpr conditional(Path file, List<Symbol> items, int[] at) {
        HclExpr condition = binary(file, items, at, 1);
        if (!isOperator(items, at[0], "?")) {
            return condition;
        }
        at[0]++;
        HclExpr whenTrue = conditional(file, items, at);
        if (!isOperator(items, at[0], ":")) {
            throw new IllegalStateException("conditional without ':'");
        }
        at[0]++;
        return new HclExpr.Conditional(condition, whenTrue, conditional(file, items, at));
    }

    private static HclExpr binary(Path file, List<Symbol> items, int[] at, int minPrecedence) {
        HclExpr left = operand(file, items, at);
        while (at[0] < items.size() && items.get(at[0]) instanceof Operator op
                && PRECEDENCE.getOrDefault(op.getName(), 0) >= minPrecedence) {
            at[0]++;
            left = new HclExpr.Binary(op.getName(), left, binary(file, items, at, PRECEDENCE.get(op.getName()) + 1));
        }
        return left;
    }

    private static HclExpr operand(Path file, List<Symbol> items, int[] at) {
        if (at[0] >= items.size() || items.get(at[0]) instanceof Operator) {
            throw new IllegalStateException("operand expected");
        }
        return expr(file, items.get(at[0]++));
    }

    private static boolean isOperator(List<Symbol> items, int index, String name) {
        return index < items.size() && items.get(index) instanceof Operator op && name.equals(op.getName());
    }

    private static HclExpr expr(Path file, Symbol symbol) {
        if (symbol instanceof HCLValue value) {
            return literal(value);
        }
        if (symbol instanceof GroupedExpression group) {
            List<Symbol> inner = children(group);
            return inner.size() == 1 ? expr(file, inner.getFirst()) : operation(file, inner);
        }
        if (symbol instanceof VariableTree tree) {
            List<String> path = new ArrayList<>();
            for (Symbol part : children(tree)) {
                if (!(part instanceof Variable) || part.getName() == null) {
                    return new HclExpr.Other(part instanceof Variable ? "traversal" : "function call or index");
                }
                path.add(part.getName());
            }
            return path.isEmpty() ? new HclExpr.Other("empty traversal") : new HclExpr.Reference(path);
        }
        if (symbol instanceof StringInterpolatedExpression interpolated) {
            List<HclExpr> parts = new ArrayList<>();
            for (Symbol part : children(interpolated)) {
                if (part instanceof Operator op) {
                    if (!"+".equals(op.getName())) {
                        return new HclExpr.Other("expression");
                    }
                    continue;
                }
                HclExpr e = part instanceof StringInterpolatedExpression inner && children(inner).size() == 1
                        ? expr(file, children(inner).getFirst()) : expr(file, part);
                if (e instanceof HclExpr.Other || e instanceof HclExpr.Template) {
                    return e instanceof HclExpr.Other ? e : new HclExpr.Other("nested template");
                }
                parts.add(e);
            }
            List<HclExpr> kept = parts.stream().filter(p -> !(p instanceof HclExpr.Literal l && "".equals(l.value())))
                    .toList();
            if (kept.size() == 1 && kept.getFirst() instanceof HclExpr.Reference) {
                return new HclExpr.Template(kept);
            }
            return new HclExpr.Template(kept);
        }
        if (symbol instanceof HCLArray array) {
            List<HclExpr> items = new ArrayList<>();
            for (Symbol item : children(array)) {
                items.add(expr(file, item));
            }
            return new HclExpr.TupleExpr(items);
        }
        if (symbol instanceof HCLBlock || symbol instanceof HCLMap) {
            Map<String, HclExpr> entries = new LinkedHashMap<>();
            for (Symbol child : children(symbol)) {
                if (child instanceof HCLAttribute a && a.getName() != null) {
                    entries.put(a.getName(), attributeValue(file, a));
                } else {
                    return new HclExpr.Other("object");
                }
            }
            return new HclExpr.ObjectExpr(entries);
        }
        return new HclExpr.Other(symbol.getSymbolName() == null ? "expression" : symbol.getSymbolName());
    }

    private static HclExpr literal(HCLValue value) {
        Object raw = value.value;
        String text = raw == null ? null : raw.toString();
        String type = value.type == null ? "" : value.type;
        return switch (type) {
            case "number" -> {
                try {
                    yield new HclExpr.Literal(new BigDecimal(text));
                } catch (NumberFormatException | NullPointerException e) {
                    yield new HclExpr.Other("number " + text);
                }
            }
            case "boolean" -> new HclExpr.Literal(Boolean.parseBoolean(text));
            case "null" -> new HclExpr.Literal(null);
            default -> text != null && (text.contains("${") || text.contains("%{"))
                    ? new HclExpr.Other("heredoc with interpolation") : new HclExpr.Literal(text);
        };
    }

    private static List<Symbol> children(Symbol symbol) {
        return symbol.getChildren() == null ? List.of() : symbol.getChildren();
    }

    private static int line(Symbol symbol) {
        return symbol.getLine() == null ? 0 : symbol.getLine() + 1;
    }

    private static String name(Path file) {
        return file.getFileName() == null ? file.toString() : file.getFileName().toString();
    }

    private static String cleanup(String message) {
        return message == null ? "syntax error" : message.replace("\n", "\\n").strip();
    }
}
