package dev.minilab.console.status;

import dev.minilab.console.render.MessageFormatter;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** Renders a {@link StatusBoard}: the one-line status bar for terminals and the {@code /status} table. */
public final class StatusView {

    /**
     * The head of the status bar while the console cannot reach Redis: it keeps reconnecting (a restart, or Sentinel
     * promoting a new master, issue 13) unless the team was stopped.
     */
    public static final String REDIS_DOWN = "REDIS DOWN: reconnecting (team stopped?)";

    private StatusView() {
    }

    /**
     * The text with every emoji, symbol-dingbat, variation selector and joiner replaced by {@code ·}: terminals and
     * JLine disagree on their widths, and a bar one column too wide wraps and leaves a stray character behind. CJK
     * (whose width both agree on: 2) is kept and cut by columns, never inside a character.
     */
    static String barSafe(String text) {
        StringBuilder out = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            boolean unsure = cp > 0xFFFF || (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0xFE00 && cp <= 0xFE0F)
                    || cp == 0x200D || (cp >= 0x2B00 && cp <= 0x2BFF) || Character.getType(cp) == Character.SURROGATE;
            if (unsure) {
                out.append('·');
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    /** The {@code /status} lines: one per role with state, age, task and where the information comes from. */
    public static List<String> table(StatusBoard board) {
        List<String> out = new ArrayList<>();
        out.add("Team status:");
        board.redisLoss().ifPresent(loss -> out.add("  Redis does not answer (since "
                + LocalTime.ofInstant(loss.since(), ZoneId.systemDefault()).withNano(0)
                + "): reconnecting. Was the team stopped (./minilab down), or is Sentinel promoting a new master? The "
                + "states below are the last ones read."));
        for (AgentState s : board.snapshot()) {
            StringBuilder line = new StringBuilder(String.format("  %-18s %-8s", s.role(), s.state()));
            if (!s.task().isEmpty()) {
                line.append(' ').append(s.task());
            }
            String sandbox = board.sandbox(s.role());
            if (!sandbox.isEmpty()) {
                line.append("  [sandbox: ").append(sandbox).append(']');
            }
            line.append("  (").append(switch (s.source()) {
                case HEARTBEAT -> board.isFuture(s) ? "heartbeat dated " + s.since() + ", in the FUTURE: check the clocks"
                        : "down".equals(s.state())
                        ? "last heartbeat " + board.age(s) + " ago: the agent is not running or cannot reach Redis"
                        : "heartbeat " + board.age(s) + " ago";
                case MESSAGES -> "from messages, " + board.age(s) + " ago; no heartbeat"
                        + ("unknown".equals(s.state()) ? ": is the agent running?" : "");
                case NONE -> "no heartbeat and no message yet";
            }).append(')');
            out.add(line.toString());
        }
        return out;
    }

    /**
     * The status bar, at most {@code width} columns: {@code Architect busy: task | DevOps idle | ...}. Short names
     * and states always show; the space left is shared among the tasks.
     */
    public static AttributedString bar(StatusBoard board, MessageFormatter formatter, int width) {
        List<AgentState> states = board.snapshot();
        List<String> heads = new ArrayList<>();
        // Only a mode other than normal takes room in the bar (the first line always names the mode).
        boolean planOnly = !"normal".equals(board.mode());
        String modeHead = planOnly ? board.mode().toUpperCase(java.util.Locale.ROOT) : "";
        String redisHead = board.redisLoss().isPresent() ? REDIS_DOWN : "";
        int used = 3 * (states.size() - 1) + (planOnly ? modeHead.length() + 3 : 0)
                + (redisHead.isEmpty() ? 0 : redisHead.length() + 3);
        for (AgentState s : states) {
            int bar = s.role().indexOf('_');
            String warning = board.sandboxWarning(s.role());
            String head = (bar > 0 ? s.role().substring(0, bar) : s.role()) + " " + s.state()
                    + (board.isFuture(s) ? "?" : "")
                    + (warning.isEmpty() ? "" : " " + warning);
            heads.add(head);
            used += head.length();
        }
        int left = Math.max(0, width - used);
        int withTask = (int) states.stream().filter(s -> !s.task().isEmpty()).count();
        AttributedStringBuilder b = new AttributedStringBuilder();
        if (!redisHead.isEmpty()) {
            b.style(AttributedStyle.BOLD.foreground(AttributedStyle.RED)).append(redisHead)
                    .style(AttributedStyle.DEFAULT.faint()).append(" | ");
        }
        if (planOnly) {
            b.style(AttributedStyle.BOLD.foreground(AttributedStyle.YELLOW)).append(modeHead)
                    .style(AttributedStyle.DEFAULT.faint()).append(" | ");
        }
        for (int i = 0; i < states.size(); i++) {
            AgentState s = states.get(i);
            if (i > 0) {
                b.style(AttributedStyle.DEFAULT.faint()).append(" | ");
            }
            String text = heads.get(i);
            if (!s.task().isEmpty()) {
                int room = withTask == 0 ? 0 : left / withTask;
                String task = ": " + barSafe(s.task());
                int columns = new AttributedString(task).columnLength();
                if (columns > room) {
                    task = room >= 8 ? new AttributedString(task).columnSubSequence(0, room - 3) + "..." : "";
                }
                text += task;
                left -= new AttributedString(task).columnLength();
                withTask--;
            }
            AttributedStyle style = formatter.senderStyle(s.role());
            b.style("busy".equals(s.state()) ? style.bold() : style).append(text);
        }
        AttributedString line = b.toAttributedString();
        return line.columnLength() > width ? line.columnSubSequence(0, Math.max(0, width)) : line;
    }
}
