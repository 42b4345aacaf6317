package dev.minilab.runtime.tools.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits a command line for the restricted shells into commands (at {@code |}, {@code ||}, {@code &&}, {@code ;}) and
 * their words (quotes removed, unquoted glob characters remembered). Anything shell-active it does not model
 * (redirection, {@code $}, backticks, subshells, brace groups, background jobs, newlines, backslashes, comments,
 * {@code !}) is refused with {@link IllegalArgumentException} whose message names it.
 */
final class ShellWords {

    private static final Pattern SAFE_UNQUOTED = Pattern.compile("[A-Za-z0-9_./:=,+@%*?^\\[\\]~-]");

    /** One word: its text, and its glob pattern when it has unquoted {@code * ? [} (else null). */
    record Word(String text, String glob) {
        static Word literal(String text) {
            return new Word(text, null);
        }
    }

    /** One simple command and the operator that follows it ({@code ""} after the last). */
    record Segment(List<Word> words, String operator) {
        Segment {
            words = List.copyOf(words);
        }

        List<String> texts() {
            return words.stream().map(Word::text).toList();
        }
    }

    private ShellWords() {
    }

    /** The plain words of each command (tests and simple callers). */
    static List<List<String>> split(String command) {
        return parse(command).stream().map(Segment::texts).toList();
    }

    static List<Segment> parse(String command) {
        List<Segment> segments = new ArrayList<>();
        List<Word> words = new ArrayList<>();
        StringBuilder text = null;
        StringBuilder glob = null;
        boolean globbing = false;
        int i = 0;
        while (i < command.length()) {
            char c = command.charAt(i);
            if (c == ' ' || c == '\t') {
                if (text != null) {
                    words.add(new Word(text.toString(), globbing ? glob.toString() : null));
                    text = null;
                    glob = null;
                    globbing = false;
                }
                i++;
            } else if (c == '|' || c == ';' || c == '&') {
                if (text != null) {
                    words.add(new Word(text.toString(), globbing ? glob.toString() : null));
                    text = null;
                    glob = null;
                    globbing = false;
                }
                boolean doubled = i + 1 < command.length() && command.charAt(i + 1) == c;
                if (c == '&' && !doubled) {
                    throw new IllegalArgumentException("'&' (background job or redirection) is not allowed");
                }
                if (c == ';' && doubled) {
                    throw new IllegalArgumentException("';;' is not allowed");
                }
                if (c == '|' && i + 1 < command.length() && command.charAt(i + 1) == '&') {
                    throw new IllegalArgumentException("'|&' is not allowed");
                }
                segments.add(new Segment(words, doubled ? "" + c + c : "" + c));
                words = new ArrayList<>();
                i += doubled ? 2 : 1;
            } else if (c == '\'' || c == '"') {
                int end = command.indexOf(c, i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException(c == '\'' ? "unbalanced single quote" : "unbalanced double quote");
                }
                String quoted = command.substring(i + 1, end);
                if (c == '"') {
                    for (char q : quoted.toCharArray()) {
                        if (q == '$' || q == '`' || q == '\\' || q == '!') {
                            throw new IllegalArgumentException("'" + q + "' inside double quotes is not allowed; use "
                                    + "single quotes for literal text");
                        }
                    }
                }
                if (text == null) {
                    text = new StringBuilder();
                    glob = new StringBuilder();
                }
                text.append(quoted);
                for (char q : quoted.toCharArray()) {
                    glob.append("*?[]{}\\,".indexOf(q) >= 0 ? "\\" + q : String.valueOf(q));
                }
                i = end + 1;
            } else if (SAFE_UNQUOTED.matcher(String.valueOf(c)).matches()) {
                if (c == '~' && text != null) {
                    throw new IllegalArgumentException("'~' inside a word is not allowed");
                }
                if (text == null) {
                    text = new StringBuilder();
                    glob = new StringBuilder();
                }
                text.append(c);
                if (c == '*' || c == '?' || c == '[') {
                    globbing = true;
                    glob.append(c);
                } else {
                    glob.append("]{}\\,".indexOf(c) >= 0 ? "\\" + c : String.valueOf(c));
                }
                i++;
            } else {
                throw new IllegalArgumentException(describeChar(c) + " is not allowed");
            }
        }
        if (text != null) {
            words.add(new Word(text.toString(), globbing ? glob.toString() : null));
        }
        segments.add(new Segment(words, ""));
        return segments;
    }

    /** Quotes {@code word} for bash so that it is one literal word (no expansion of any kind). */
    static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
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
