package dev.minilab.console.render;

import java.util.ArrayList;
import java.util.List;

/** Word-wraps text for a terminal of a given width, keeping the text's own line breaks. */
public final class Wrapper {

    private Wrapper() {
    }

    /**
     * Wraps {@code text} so that the first line fits in {@code width - firstUsed} columns and every further line
     * in {@code width - indent} columns (the caller prints {@code indent} spaces before them). Words longer than
     * a line are cut. A non-positive or tiny width disables wrapping.
     */
    public static List<String> wrap(String text, int width, int firstUsed, int indent) {
        List<String> out = new ArrayList<>();
        if (width < 20) {
            out.addAll(text.lines().toList());
            if (out.isEmpty()) {
                out.add("");
            }
            return out;
        }
        int safeIndent = Math.min(indent, width / 2);
        boolean first = true;
        for (String paragraph : text.split("\n", -1)) {
            StringBuilder line = new StringBuilder();
            int room = first ? Math.max(10, width - firstUsed) : width - safeIndent;
            String[] words = paragraph.replace("\t", "    ").split(" ", -1);
            boolean lineHasWord = false;
            for (String word : words) {
                String rest = word;
                while (true) {
                    int needed = (lineHasWord ? 1 : 0) + rest.length();
                    if (line.length() + needed <= room) {
                        if (lineHasWord) {
                            line.append(' ');
                        }
                        line.append(rest);
                        lineHasWord = true;
                        break;
                    }
                    if (lineHasWord) {
                        out.add(line.toString());
                        first = false;
                        room = width - safeIndent;
                        line.setLength(0);
                        lineHasWord = false;
                        continue;
                    }
                    // A single word longer than the line: cut it.
                    out.add(rest.substring(0, room));
                    first = false;
                    rest = rest.substring(room);
                    room = width - safeIndent;
                }
            }
            out.add(line.toString());
            first = false;
        }
        return out;
    }
}
