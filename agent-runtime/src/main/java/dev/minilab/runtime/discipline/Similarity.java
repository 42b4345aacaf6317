package dev.minilab.runtime.discipline;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * When two messages say the same thing: equal after normalising (case, whitespace, numbers and ids replaced by
 * {@code #}), or at least {@link #THRESHOLD} similar by edit distance on the normalised text.
 */
public final class Similarity {

    /** Normalised texts at least this similar (1 - edit distance / longer length) count as near-identical. */
    public static final double THRESHOLD = 0.9;
    /** Characters compared at most (the start of each text): bounds the cost on huge messages. */
    static final int MAX_CHARS = 4000;

    private static final Pattern UUID = Pattern.compile(
            "\\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\b");
    /** Hex ids (plan ids, hashes, commit ids): 7+ hex characters with at least one digit. */
    private static final Pattern HEX_ID = Pattern.compile("\\b(?=[0-9a-f]*[0-9])[0-9a-f]{7,}\\b");
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,:]\\d+)*");
    private static final Pattern SPACE = Pattern.compile("\\s+");

    private Similarity() {
    }

    /** The text with case, whitespace, ids and numbers normalised. */
    public static String normalise(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        String noIds = HEX_ID.matcher(UUID.matcher(lower).replaceAll("#")).replaceAll("#");
        return SPACE.matcher(NUMBER.matcher(noIds).replaceAll("#")).replaceAll(" ").strip();
    }

    /** Whether {@code a} and {@code b} are near-identical. */
    public static boolean nearIdentical(String a, String b) {
        String x = normalise(a);
        String y = normalise(b);
        return x.equals(y) || ratio(x, y) >= THRESHOLD;
    }

    /** 1 - Levenshtein distance / length of the longer text, on at most {@link #MAX_CHARS} characters of each. */
    static double ratio(String a, String b) {
        String x = a.length() > MAX_CHARS ? a.substring(0, MAX_CHARS) : a;
        String y = b.length() > MAX_CHARS ? b.substring(0, MAX_CHARS) : b;
        int longer = Math.max(x.length(), y.length());
        if (longer == 0) {
            return 1.0;
        }
        // A length difference alone already bounds the ratio: skip the quadratic part when it cannot reach it.
        if (1.0 - (double) Math.abs(x.length() - y.length()) / longer < THRESHOLD) {
            return 1.0 - (double) Math.abs(x.length() - y.length()) / longer;
        }
        int[] previous = new int[y.length() + 1];
        int[] current = new int[y.length() + 1];
        for (int j = 0; j <= y.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= x.length(); i++) {
            current[0] = i;
            char c = x.charAt(i - 1);
            for (int j = 1; j <= y.length(); j++) {
                int substitution = previous[j - 1] + (c == y.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return 1.0 - (double) previous[y.length()] / longer;
    }
}
