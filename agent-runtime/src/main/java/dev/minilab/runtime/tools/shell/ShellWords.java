package dev.minilab.runtime.tools.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a command line for the restricted shells into commands (at {@code |}, {@code ||}, {@code &&}, {@code ;}) and
 * their words (quotes removed). Anything shell-active it does not model (redirection, {@code $}, backticks,
 * subshells, brace groups, background jobs, newlines, backslashes, comments, {@code !}) is refused with
 * {@link IllegalArgumentException} whose message names it.
 */
final class ShellWords {

    private static final Pattern SAFE_UNQUOTED = Pattern.compile("[A-Za-z0-9_./:=,+@%*?^\\[\\]~-]");

    private ShellWords() {
    }

    static List<List<String>> split(String command) {
        List<List<String>> segments = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        int i = 0;
        while (i < command.length()) {
            char c = command.charAt(i);
            if (c == ' ' || c == '\t') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                i++;
            } else if (c == '|' || c == ';' || c == '&') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                boolean doubled = i + 1 < command.length() && command.charAt(i + 1) == c;
                if (c == '&' && !doubled) {
                    throw new IllegalArgumentException("'&' (background job or redirection) is not allowed");
                }
                if (c == ';' && doubled) {
                    throw new IllegalArgumentException("';;' is not allowed");
                }
                segments.add(words);
                words = new ArrayList<>();
                i += doubled ? 2 : 1;
            } else if (c == '\'') {
                int end = command.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unbalanced single quote");
                }
                word = (word == null ? new StringBuilder() : word).append(command, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                int end = i + 1;
                StringBuilder quoted = new StringBuilder();
                while (end < command.length() && command.charAt(end) != '"') {
                    char q = command.charAt(end);
                    if (q == '$' || q == '`' || q == '\\' || q == '!') {
                        throw new IllegalArgumentException("'" + q + "' inside double quotes is not allowed; use single "
                                + "quotes for literal text");
                    }
                    quoted.append(q);
                    end++;
                }
                if (end >= command.length()) {
                    throw new IllegalArgumentException("unbalanced double quote");
                }
                word = (word == null ? new StringBuilder() : word).append(quoted);
                i = end + 1;
            } else if (SAFE_UNQUOTED.matcher(String.valueOf(c)).matches()) {
                if (c == '~' && word != null) {
                    throw new IllegalArgumentException("'~' inside a word is not allowed");
                }
                word = (word == null ? new StringBuilder() : word).append(c);
                i++;
            } else {
                throw new IllegalArgumentException(describeChar(c) + " is not allowed");
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        segments.add(words);
        return segments;
    }

    private static String describeChar(char c) {
        return switch (c) {
            case '>', '<' -> "redirection ('" + c + "')";
            case '$' -> "'$' (variables and command substitution)";
            case '`' -> "a backtick (command substitution)";
            case '(', ')' -> "a subshell ('" + c + "')";
            case '{', '}' -> "a brace group ('" + c + "')";
            case '\n', '\r' -> "a newline";
            case '\\' -> "a backslash";
            case '#' -> "'#' (comment)";
            case '!' -> "'!' (history or negation)";
            default -> "the character '" + (Character.isISOControl(c) ? String.format("\\u%04X", (int) c) : c) + "'";
        };
    }
}
