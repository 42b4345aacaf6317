package dev.minilab.runtime.log;

/** Shortens text for logs and model context by keeping its head and tail. */
public final class Excerpts {

    private Excerpts() {
    }

    /** Returns {@code text} when it fits {@code maxChars}, else its head and tail with a note of how much was cut. */
    public static String headAndTail(String text, int maxChars) {
        if (text == null) {
            return "";
        }
        if (text.length() <= maxChars) {
            return text;
        }
        int head = maxChars * 2 / 3;
        int tail = maxChars - head;
        int cut = text.length() - head - tail;
        return text.substring(0, head) + "\n[… " + cut + " characters cut …]\n" + text.substring(text.length() - tail);
    }
}
