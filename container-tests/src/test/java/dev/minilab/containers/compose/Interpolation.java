package dev.minilab.containers.compose;

import java.util.Map;
import java.util.Objects;

/**
 * Compose variable interpolation, as the Compose specification defines it: {@code $VAR}, {@code ${VAR}},
 * {@code ${VAR:-default}} / {@code ${VAR-default}}, {@code ${VAR:?error}} / {@code ${VAR?error}},
 * {@code ${VAR:+replacement}} / {@code ${VAR+replacement}}, nested expressions in the default, and {@code $$} for a
 * literal dollar. The forms with a colon treat an empty value like an unset one. An unset plain variable becomes
 * the empty string (Compose warns; this fails nothing).
 */
public final class Interpolation {

    private final Map<String, String> variables;

    public Interpolation(Map<String, String> variables) {
        this.variables = Map.copyOf(Objects.requireNonNull(variables, "variables"));
    }

    /**
     * Returns {@code text} with every expression replaced.
     *
     * @throws ComposeException for {@code ${VAR:?message}} with VAR unset or empty, and for malformed expressions
     */
    public String apply(String text) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$') {
                out.append(c);
                i++;
            } else if (i + 1 < text.length() && text.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
            } else if (i + 1 < text.length() && text.charAt(i + 1) == '{') {
                int close = matchingBrace(text, i + 1);
                out.append(braced(text.substring(i + 2, close), text));
                i = close + 1;
            } else {
                int end = i + 1;
                while (end < text.length() && isNameChar(text.charAt(end), end == i + 1)) {
                    end++;
                }
                if (end == i + 1) {
                    out.append('$'); // a lone dollar is kept, as Compose does
                    i++;
                } else {
                    out.append(variables.getOrDefault(text.substring(i + 1, end), ""));
                    i = end;
                }
            }
        }
        return out.toString();
    }

    private String braced(String expression, String whole) {
        int nameEnd = 0;
        while (nameEnd < expression.length() && isNameChar(expression.charAt(nameEnd), nameEnd == 0)) {
            nameEnd++;
        }
        if (nameEnd == 0) {
            throw new ComposeException("Invalid interpolation ${" + expression + "} in \"" + whole + "\"");
        }
        String name = expression.substring(0, nameEnd);
        String rest = expression.substring(nameEnd);
        String value = variables.get(name);
        if (rest.isEmpty()) {
            return value == null ? "" : value;
        }
        boolean colon = rest.startsWith(":");
        String operator = colon ? rest.substring(0, Math.min(2, rest.length())) : rest.substring(0, 1);
        String argument = rest.substring(operator.length());
        boolean missing = value == null || (colon && value.isEmpty());
        return switch (operator) {
            case ":-", "-" -> missing ? apply(argument) : value;
            case ":?", "?" -> {
                if (missing) {
                    throw new ComposeException("Required variable " + name + " is missing a value: " + apply(argument));
                }
                yield value;
            }
            case ":+", "+" -> missing ? "" : apply(argument);
            default -> throw new ComposeException("Invalid interpolation ${" + expression + "} in \"" + whole + "\"");
        };
    }

    private static int matchingBrace(String text, int open) {
        int depth = 0;
        for (int i = open; i < text.length(); i++) {
            if (text.charAt(i) == '{') {
                depth++;
            } else if (text.charAt(i) == '}' && --depth == 0) {
                return i;
            }
        }
        throw new ComposeException("Unclosed ${ in \"" + text + "\"");
    }

    private static boolean isNameChar(char c, boolean first) {
        return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (!first && c >= '0' && c <= '9');
    }
}
