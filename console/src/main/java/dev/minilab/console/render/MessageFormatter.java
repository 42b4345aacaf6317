package dev.minilab.console.render;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;

import dev.minilab.console.Roles;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns team messages into console text: a plain form for pipes and an styled, wrapped form for terminals.
 *
 * <p>Plain form (the contract scripts rely on): one line {@code [Sender]: content} per message; a multi-line
 * content continues on the following lines unchanged. Styled form: local time, the sender in the role's colour,
 * content wrapped to the terminal width with a hanging indent; status messages dimmed; questions for the User
 * highlighted (see {@link QuestionDetector}).
 */
public final class MessageFormatter {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final ZoneId zone;
    private final boolean colours;

    /** Creates a formatter that prints times in {@code zone}; {@code colours=false} honours NO_COLOR. */
    public MessageFormatter(ZoneId zone, boolean colours) {
        this.zone = zone;
        this.colours = colours;
    }

    /** The plain one-line-per-message form. */
    public static String plain(Message message) {
        return "[" + message.sender() + "]: " + message.content();
    }

    /** The plain form of a think note; deliberately does not start with {@code [} so scripts never take it for a message. */
    public static String plainThink(String sender, String text) {
        return "(think) [" + sender + "]: " + text;
    }

    /** The colour of a sender: one per role, blue for the User, default for anyone else. */
    public AttributedStyle senderStyle(String sender) {
        if (!colours) {
            return AttributedStyle.DEFAULT;
        }
        return switch (sender) {
            case "Architect_Zero" -> AttributedStyle.DEFAULT.foreground(AttributedStyle.CYAN);
            case "DevOps_Builder" -> AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN);
            case "Security_Sentinel" -> AttributedStyle.DEFAULT.foreground(AttributedStyle.MAGENTA);
            case "QA_Tester" -> AttributedStyle.DEFAULT.foreground(AttributedStyle.YELLOW);
            case Roles.USER -> AttributedStyle.DEFAULT.foreground(AttributedStyle.BLUE);
            default -> AttributedStyle.DEFAULT;
        };
    }

    /** The styled, wrapped lines of a message for a terminal {@code width} columns wide. */
    public List<AttributedString> styled(Message message, int width) {
        String time = TIME.format(message.timestamp().atZone(zone));
        AttributedStyle style = senderStyle(message.sender());
        boolean question = QuestionDetector.isQuestionForUser(message);
        String content = question ? QuestionDetector.withoutMarker(message.content()) : message.content();
        if (message.kind() == MessageKind.STATUS) {
            content = withoutOwnName(message.sender(), content);
        }
        AttributedStringBuilder head = new AttributedStringBuilder();
        head.style(dim()).append(time).style(AttributedStyle.DEFAULT).append(' ');
        AttributedStyle contentStyle;
        switch (message.kind()) {
            case STATUS -> {
                head.style(style.faint()).append("* ").append(message.sender()).append(' ');
                contentStyle = style.faint().italic();
            }
            case CONTROL -> {
                head.style(style.bold()).append('[').append(message.sender()).append("] ");
                contentStyle = colours ? AttributedStyle.BOLD.foreground(AttributedStyle.RED) : AttributedStyle.BOLD;
            }
            default -> {
                head.style(style.bold()).append('[').append(message.sender()).append("] ");
                contentStyle = style;
            }
        }
        if (question) {
            head.style(AttributedStyle.DEFAULT.inverse().bold()).append(" ? QUESTION FOR YOU ")
                    .style(AttributedStyle.DEFAULT).append(' ');
            contentStyle = contentStyle.bold();
        }
        int indent = 9;
        List<String> lines = Wrapper.wrap(content, width, head.length(), indent);
        List<AttributedString> out = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            AttributedStringBuilder line = i == 0 ? head : new AttributedStringBuilder().append(" ".repeat(indent));
            line.style(contentStyle).append(lines.get(i));
            out.add(line.toAttributedString());
        }
        return out;
    }

    /** Status lines often repeat the sender ("DevOps_Builder: terraform apply running"); the label already says it. */
    public static String withoutOwnName(String sender, String content) {
        // "QA_Tester: ..." and "QA_Tester restarted ..." both: the sender is already printed in front.
        if (content.startsWith(sender + ":") || content.startsWith(sender + " ")) {
            return content.substring(sender.length() + 1).strip();
        }
        return content;
    }

    /** A think note: dim and italic, only shown in verbose mode. */
    public AttributedString styledThink(String sender, String text, int width) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        b.style(senderStyle(sender).faint().italic()).append("  ~ ").append(sender).append(" thinks: ");
        List<String> lines = Wrapper.wrap(text, width, b.length(), 6);
        b.append(String.join("\n      ", lines));
        return b.toAttributedString();
    }

    /** Console's own notes (command output, confirmations). */
    public AttributedString note(String text) {
        return new AttributedString(text, colours ? AttributedStyle.DEFAULT.foreground(AttributedStyle.WHITE) : AttributedStyle.DEFAULT);
    }

    /** Errors: red when colours are on. */
    public AttributedString error(String text) {
        return new AttributedString(text, colours ? AttributedStyle.BOLD.foreground(AttributedStyle.RED) : AttributedStyle.DEFAULT);
    }

    private AttributedStyle dim() {
        return colours ? AttributedStyle.DEFAULT.faint() : AttributedStyle.DEFAULT;
    }
}
