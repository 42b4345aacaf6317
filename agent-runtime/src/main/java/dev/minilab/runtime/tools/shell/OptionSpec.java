package dev.minilab.runtime.tools.shell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The exact options one command may get in a restricted shell, parsed the way GNU getopt reads them: short flags
 * (clustered as in {@code -la}), short options with a value (attached or in the next word), long flags and long
 * options with a value ({@code --key=2} or {@code --key 2}), {@code --} ending the options. A long option must be
 * written in full: GNU's abbreviations ({@code --co} for {@code --compress-program}) are refused, as is every option
 * not listed. No listed option takes a program, a script or an output path.
 *
 * @param shortFlags      short options without a value
 * @param shortValued     short options with a value
 * @param longFlags       long options without a value
 * @param longValued      long options with a value
 * @param longOptional    long options with an optional value, only as {@code --name} or {@code --name=value}
 * @param pathValued      options (short as {@code -x}, long as {@code --x}) whose value is a path to read (checked)
 * @param extraOptions    further whole words accepted as options (e.g. {@code -Iseconds}, {@code -type=A})
 * @param numericShort    whether {@code -N} (a count, as in {@code head -5}) is accepted
 * @param positionals     what the other words are
 * @param maxPositionals  how many there may be (-1: any)
 * @param check           a further check of the parsed call; null when fine, else the problem
 */
record OptionSpec(String shortFlags, String shortValued, Set<String> longFlags, Set<String> longValued,
                  Set<String> longOptional, Set<String> pathValued, Pattern extraOptions, boolean numericShort,
                  Positionals positionals, int maxPositionals, Function<Parsed, String> check) {

    /** What the non-option words of a command are. */
    enum Positionals { PATHS, TEXT, FIRST_TEXT_THEN_PATHS, NONE }

    /** An option as given: its name ({@code -n}, {@code --lines}) and its value (null for flags). */
    record Option(String name, String value) { }

    /** A parsed call. */
    record Parsed(List<Option> options, List<String> positionals) {
        boolean has(String... names) {
            return options.stream().anyMatch(o -> Arrays.asList(names).contains(o.name()));
        }

        String value(String... names) {
            return options.stream().filter(o -> Arrays.asList(names).contains(o.name())).map(Option::value)
                    .reduce((a, b) -> b).orElse(null);
        }
    }

    /** Thrown with the message for the model. */
    static final class Refused extends IllegalArgumentException {
        Refused(String message) {
            super(message);
        }
    }

    static Builder of(String shortFlags) {
        return new Builder(shortFlags);
    }

    /** Parses {@code args}; throws {@link Refused} naming the first word that is not allowed. */
    Parsed parse(String command, List<String> args) {
        List<Option> options = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        boolean ended = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (ended || arg.equals("-") || !arg.startsWith("-") || (arg.startsWith("+") )) {
                positional.add(arg);
                continue;
            }
            if (arg.equals("--")) {
                ended = true;
                continue;
            }
            if (extraOptions != null && extraOptions.matcher(arg).matches()) {
                options.add(new Option(arg, null));
                continue;
            }
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                String name = eq < 0 ? arg : arg.substring(0, eq);
                if (eq < 0 && longFlags.contains(name)) {
                    options.add(new Option(name, null));
                } else if (longOptional.contains(name)) {
                    options.add(new Option(name, eq < 0 ? null : arg.substring(eq + 1)));
                } else if (longValued.contains(name)) {
                    String value;
                    if (eq >= 0) {
                        value = arg.substring(eq + 1);
                    } else if (i + 1 < args.size()) {
                        value = args.get(++i);
                    } else {
                        throw new Refused(command + ": option " + name + " needs a value");
                    }
                    options.add(new Option(name, value));
                } else {
                    throw new Refused(command + ": option " + name + " is not allowed here (options must be written "
                            + "in full and be one of: " + describe() + ")");
                }
                continue;
            }
            if (numericShort && arg.matches("-[0-9]+")) {
                options.add(new Option("-n", arg.substring(1)));
                continue;
            }
            for (int k = 1; k < arg.length(); k++) {
                char c = arg.charAt(k);
                String name = "-" + c;
                if (shortFlags.indexOf(c) >= 0) {
                    options.add(new Option(name, null));
                } else if (shortValued.indexOf(c) >= 0) {
                    String value;
                    if (k + 1 < arg.length()) {
                        value = arg.substring(k + 1);
                    } else if (i + 1 < args.size()) {
                        value = args.get(++i);
                    } else {
                        throw new Refused(command + ": option " + name + " needs a value");
                    }
                    options.add(new Option(name, value));
                    break;
                } else {
                    throw new Refused(command + ": option " + name + (arg.length() > 2 ? " (in " + arg + ")" : "")
                            + " is not allowed here (allowed: " + describe() + ")");
                }
            }
        }
        if (positionals == Positionals.NONE && !positional.isEmpty()) {
            throw new Refused(command + ": '" + positional.getFirst() + "' is not allowed (" + command
                    + " takes no arguments here besides its options: " + describe() + ")");
        }
        if (maxPositionals >= 0 && positional.size() > maxPositionals) {
            throw new Refused(command + ": at most " + maxPositionals + " argument(s) besides options ('"
                    + positional.get(maxPositionals) + "' is one too many)");
        }
        Parsed parsed = new Parsed(options, positional);
        String problem = check == null ? null : check.apply(parsed);
        if (problem != null) {
            throw new Refused(command + ": " + problem);
        }
        return parsed;
    }

    /** The words that are paths to read: positionals (per {@link #positionals}) and path-valued option values. */
    List<String> paths(Parsed parsed, boolean patternGivenByOption) {
        List<String> out = new ArrayList<>();
        switch (positionals) {
            case PATHS -> out.addAll(parsed.positionals());
            case FIRST_TEXT_THEN_PATHS -> out.addAll(patternGivenByOption ? parsed.positionals()
                    : parsed.positionals().stream().skip(1).toList());
            default -> {
            }
        }
        for (Option o : parsed.options()) {
            if (o.value() != null && pathValued.contains(o.name())) {
                out.add(o.value());
            }
        }
        return out;
    }

    /** The allowed options in one line, for messages. */
    String describe() {
        Set<String> all = new TreeSet<>();
        shortFlags.chars().forEach(c -> all.add("-" + (char) c));
        shortValued.chars().forEach(c -> all.add("-" + (char) c + " X"));
        all.addAll(longFlags);
        longValued.forEach(l -> all.add(l + "=X"));
        longOptional.forEach(l -> all.add(l + "[=X]"));
        return all.isEmpty() ? "none" : all.stream().collect(Collectors.joining(" "));
    }

    /** Builds a spec; every set starts empty and positionals default to paths. */
    static final class Builder {
        private final String shortFlags;
        private String shortValued = "";
        private Set<String> longFlags = Set.of();
        private Set<String> longValued = Set.of();
        private Set<String> longOptional = Set.of();
        private Set<String> pathValued = Set.of();
        private Pattern extra;
        private boolean numericShort;
        private Positionals positionals = Positionals.PATHS;
        private int max = -1;
        private Function<Parsed, String> check;

        Builder(String shortFlags) {
            this.shortFlags = shortFlags;
        }

        Builder valued(String chars) {
            this.shortValued = chars;
            return this;
        }

        Builder longs(String spaceSeparated) {
            this.longFlags = words(spaceSeparated);
            return this;
        }

        Builder longValued(String spaceSeparated) {
            this.longValued = words(spaceSeparated);
            return this;
        }

        Builder longOptional(String spaceSeparated) {
            this.longOptional = words(spaceSeparated);
            return this;
        }

        Builder pathValued(String spaceSeparated) {
            this.pathValued = words(spaceSeparated);
            return this;
        }

        Builder extra(String regex) {
            this.extra = Pattern.compile(regex);
            return this;
        }

        Builder numericShort() {
            this.numericShort = true;
            return this;
        }

        Builder positionals(Positionals kind) {
            this.positionals = kind;
            return this;
        }

        Builder max(int n) {
            this.max = n;
            return this;
        }

        Builder check(Function<Parsed, String> rule) {
            this.check = rule;
            return this;
        }

        OptionSpec build() {
            return new OptionSpec(shortFlags, shortValued, longFlags, longValued, longOptional, pathValued, extra,
                    numericShort, positionals, max, check);
        }

        private static Set<String> words(String text) {
            return text.isBlank() ? Set.of() : Set.of(text.strip().split("\\s+"));
        }
    }
}
