package dev.minilab.runtime.approval;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text of a verdict message on the bus, written by {@code review_plan} or the console's {@code /approve} and
 * read back by the gate: {@code [review_plan] plan_id=<id> verdict=<APPROVED|CHANGES_REQUESTED> module=<dir>}, then
 * the findings on the following lines.
 *
 * @param planId   the plan judged
 * @param verdict  the verdict
 * @param module   the plan's module folder
 * @param findings what the reviewer found (free text, possibly empty)
 */
public record VerdictText(String planId, Verdict verdict, String module, String findings) {

    /** Starts every verdict message. */
    public static final String MARKER = "[review_plan]";
    private static final Pattern HEAD = Pattern.compile(
            "^\\Q" + MARKER + "\\E plan_id=([0-9a-f]{16}) verdict=(APPROVED|CHANGES_REQUESTED) module=(\\S+)");

    /** The message content. */
    public String render() {
        return MARKER + " plan_id=" + planId + " verdict=" + verdict.name() + " module=" + module
                + (findings == null || findings.isBlank() ? "" : "\n" + findings.strip());
    }

    /** Reads a verdict message's content; empty when it is not one. */
    public static Optional<VerdictText> parse(String content) {
        Matcher m = HEAD.matcher(content == null ? "" : content);
        if (!m.find()) {
            return Optional.empty();
        }
        String rest = content.substring(m.end()).strip();
        return Optional.of(new VerdictText(m.group(1), Verdict.valueOf(m.group(2)), m.group(3), rest));
    }
}
