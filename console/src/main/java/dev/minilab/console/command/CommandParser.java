package dev.minilab.console.command;

import dev.minilab.console.Roles;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Classifies console lines.
 *
 * <p>Rules: {@code STOP} (exactly, any case, surrounding blanks ignored) and {@code CLEAR} (exactly, in capitals:
 * it wipes the conversation, so the shell habit {@code clear} is refused with a hint) are control words;
 * {@code exit}/{@code quit} (also {@code /exit}, {@code /quit}) leave; a line starting with {@code /} is a console
 * command and is never sent to the team; {@code //text} sends {@code /text} as chat; everything else is chat.
 */
public final class CommandParser {

    /** Default count for {@code /log} entries. */
    public static final int DEFAULT_LOG_ENTRIES = 10;
    /** Default count for {@code /history}. */
    public static final int DEFAULT_HISTORY = 20;
    /** Upper bound for counts, so a typo does not dump megabytes. */
    public static final int MAX_COUNT = 1000;

    /** The help text: one line per command. Shown by {@code /help} and after an unknown command. */
    public static final List<String> HELP = List.of(
            "<text>              send a message to the team (Architect_Zero answers; @Role mentions others)",
            "STOP                halt every agent: cancel LLM calls and running tools, drop queued work",
            "CLEAR               STOP, then wipe the conversation history; confirms which agents reset (capitals only)",
            "/status             what each agent is doing",
            "/log <role> [n]     last n tool calls of a role's execution log (default " + DEFAULT_LOG_ENTRIES + ")",
            "/cost               tokens and dollars per agent and model, and this request against its limits",
            "/approve <plan_id>  approve a terraform plan (APPROVER=user, or after 3 rounds of changes)",
            "/reject <plan_id> <why>  send a plan back with your reasons",
            "/verbose on|off     show or hide the agents' think feed",
            "/history [n]        last n messages of the conversation (default " + DEFAULT_HISTORY + ")",
            "/help               this list",
            "exit, quit          leave the console (under ./minilab up this also stops the team it started)",
            "//text              send a message that starts with /");

    private static final java.util.regex.Pattern PLAN_ID = java.util.regex.Pattern.compile("[0-9a-fA-F]{16}");

    private CommandParser() {
    }

    /** Classifies one line; never throws. */
    public static Input parse(String line) {
        if (line == null || line.isBlank()) {
            return new Input.Empty();
        }
        String trimmed = line.strip();
        String upper = trimmed.toUpperCase(Locale.ROOT);
        if (upper.equals("STOP")) {
            return new Input.Control(Input.ControlCommand.STOP);
        }
        if (trimmed.equals("CLEAR")) {
            return new Input.Control(Input.ControlCommand.CLEAR);
        }
        if (upper.equals("CLEAR")) {
            return new Input.Invalid("'" + trimmed + "' was not sent and nothing was wiped: CLEAR stops the team and"
                    + " deletes the whole conversation, so it must be typed in capitals. To clear the screen, press Ctrl-L.");
        }
        String lower = trimmed.toLowerCase(Locale.ROOT);
        if (lower.equals("exit") || lower.equals("quit")) {
            return new Input.Exit();
        }
        if (trimmed.startsWith("//")) {
            return new Input.Chat(trimmed.substring(1));
        }
        if (!trimmed.startsWith("/")) {
            return new Input.Chat(trimmed);
        }
        String[] words = trimmed.substring(1).split("\\s+");
        String name = words[0].toLowerCase(Locale.ROOT);
        return switch (name) {
            case "help", "?" -> new Input.Help();
            case "exit", "quit" -> new Input.Exit();
            case "status" -> new Input.Status();
            case "cost" -> new Input.Cost();
            case "log", "logs" -> parseLog(words);
            case "verbose" -> parseVerbose(words);
            case "history" -> parseHistory(words);
            case "approve" -> words.length == 2 && PLAN_ID.matcher(words[1]).matches()
                    ? new Input.Approve(words[1].toLowerCase(Locale.ROOT))
                    : new Input.Invalid("usage: /approve <plan_id> — the 16 hex digits of the plan's status line");
            case "reject" -> words.length >= 3 && PLAN_ID.matcher(words[1]).matches()
                    ? new Input.Reject(words[1].toLowerCase(Locale.ROOT),
                            trimmed.substring(trimmed.indexOf(words[1]) + words[1].length()).strip())
                    : new Input.Invalid("usage: /reject <plan_id> <why> — say what must change");
            default -> new Input.Unknown("/" + words[0]);
        };
    }

    private static Input parseLog(String[] words) {
        String usage = "usage: /log <role> [n] — role is one of " + String.join(", ", Roles.ALL);
        if (words.length < 2 || words.length > 3) {
            return new Input.Invalid(usage);
        }
        Optional<String> role = Roles.resolve(words[1]);
        if (role.isEmpty()) {
            return new Input.Invalid("unknown role '" + words[1] + "'; " + usage);
        }
        if (words.length == 2) {
            return new Input.Log(role.get(), DEFAULT_LOG_ENTRIES);
        }
        return count(words[2]).<Input>map(n -> new Input.Log(role.get(), n))
                .orElseGet(() -> new Input.Invalid("'" + words[2] + "' is not a count from 1 to " + MAX_COUNT + "; " + usage));
    }

    private static Input parseVerbose(String[] words) {
        if (words.length == 1) {
            return new Input.Verbose(null);
        }
        String arg = words[1].toLowerCase(Locale.ROOT);
        if (words.length == 2 && (arg.equals("on") || arg.equals("off"))) {
            return new Input.Verbose(arg.equals("on"));
        }
        return new Input.Invalid("usage: /verbose on|off");
    }

    private static Input parseHistory(String[] words) {
        if (words.length == 1) {
            return new Input.History(DEFAULT_HISTORY);
        }
        if (words.length == 2) {
            return count(words[1]).<Input>map(Input.History::new)
                    .orElseGet(() -> new Input.Invalid("usage: /history [n] — n from 1 to " + MAX_COUNT));
        }
        return new Input.Invalid("usage: /history [n] — n from 1 to " + MAX_COUNT);
    }

    private static Optional<Integer> count(String text) {
        try {
            int n = Integer.parseInt(text);
            return n >= 1 && n <= MAX_COUNT ? Optional.of(n) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
