package dev.minilab.runtime.sandbox;

/**
 * Caps text for the model: keeps the head and the tail (errors are usually at the end) and says how much was cut.
 *
 * @param maxChars the most characters kept (head and tail together); the marker line comes on top
 */
public record OutputCap(int maxChars) {

    /** Default cap for one tool result (about 3-4k tokens). */
    public static final int DEFAULT_MAX_CHARS = 12_000;

    public OutputCap {
        if (maxChars < 200) {
            throw new IllegalArgumentException("an output cap below 200 characters leaves nothing useful: " + maxChars);
        }
    }

    public static OutputCap defaults() {
        return new OutputCap(DEFAULT_MAX_CHARS);
    }

    /** Returns {@code text} unchanged when short enough, else head + "[... N characters cut ...]" + tail. */
    public String apply(String text) {
        if (text == null || text.length() <= maxChars) {
            return text;
        }
        int head = maxChars / 2;
        int tail = maxChars - head;
        int cut = text.length() - head - tail;
        return text.substring(0, head) + "\n[... " + cut + " characters cut ...]\n" + text.substring(text.length() - tail);
    }
}
