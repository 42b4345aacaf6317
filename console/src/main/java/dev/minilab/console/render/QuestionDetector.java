package dev.minilab.console.render;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;

import dev.minilab.console.Roles;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Decides whether a message is a question the team is asking the person at the console, so it can be highlighted.
 *
 * <p>A message counts when it is a chat message from a role and either
 * <ul>
 *   <li>carries an explicit marker: its content starts with {@code [ask_user]} or {@code ASK_USER:} (the
 *       {@code ask_user} tool's form), or</li>
 *   <li>is meant for the User — addressed to {@code User}, mentions {@code @User}, or comes from Architect_Zero
 *       with no addressee (Architect_Zero is the one who answers the User) — and its last line outside code
 *       blocks ends with a question mark.</li>
 * </ul>
 * A question inside a code block or a question to another role ({@code @DevOps_Builder can you…?}) is not one.
 */
public final class QuestionDetector {

    private static final Pattern MARKER = Pattern.compile("^\\s*(\\[ask_user]|ask_user:)", Pattern.CASE_INSENSITIVE);
    private static final Pattern MENTION_USER = Pattern.compile("(?<![\\w@])@user\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern MENTION_ROLE = Pattern.compile(
            "(?<![\\w@])@(architect_zero|devops_builder|security_sentinel|qa_tester)\\b", Pattern.CASE_INSENSITIVE);

    private QuestionDetector() {
    }

    /** Whether {@code message} asks the User something. */
    public static boolean isQuestionForUser(Message message) {
        if (message.kind() != MessageKind.CHAT || !Roles.isRole(message.sender())) {
            return false;
        }
        String content = message.content();
        if (MARKER.matcher(content).find()) {
            return true;
        }
        if (!isForUser(message)) {
            return false;
        }
        String prose = withoutCode(content);
        List<String> lines = prose.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return !lines.isEmpty() && lines.getLast().endsWith("?");
    }

    /**
     * Whether {@code message} is a chat message from a role meant for the User: addressed to {@code User}, mentioning
     * {@code @User}, or from Architect_Zero without naming another role (Architect_Zero is who answers the User).
     */
    public static boolean isForUser(Message message) {
        if (message.kind() != MessageKind.CHAT || !Roles.isRole(message.sender())) {
            return false;
        }
        String prose = withoutCode(message.content());
        return message.to().stream().anyMatch(t -> t.equalsIgnoreCase(Roles.USER))
                || MENTION_USER.matcher(prose).find()
                || (message.sender().equals("Architect_Zero") && message.to().isEmpty()
                    && !MENTION_ROLE.matcher(prose).find());
    }

    /** Strips the explicit marker, if present, for display. */
    public static String withoutMarker(String content) {
        return MARKER.matcher(content).replaceFirst("").strip();
    }

    private static String withoutCode(String content) {
        StringBuilder prose = new StringBuilder();
        boolean inFence = false;
        for (String line : content.split("\n", -1)) {
            if (line.strip().startsWith("```")) {
                inFence = !inFence;
                continue;
            }
            if (!inFence) {
                prose.append(line.replaceAll("`[^`]*`", "code")).append('\n');
            }
        }
        return prose.toString();
    }
}
