package dev.minilab.runtime.bus;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the @-mentions in a message's prose (DESIGN.md section 5, LESSONS rows 1-2).
 *
 * <p>The rule: {@code @Name} counts when it is a whole word (no letter, digit, underscore or {@code @} right before
 * the {@code @}, none right after the name), compared case-insensitively with the known names, and it stands in
 * prose. Text inside fenced code blocks (```), inline code (`...`) and quoted lines (starting with {@code >}) is not
 * prose. Tense does not matter: "I will ask @QA_Tester later" is a mention, because the words around a name cannot be
 * parsed reliably; say "QA_Tester" without the {@code @} to talk about an agent without calling it.
 */
public final class Mentions {

    private static final Pattern FENCED = Pattern.compile("```.*?(```|\\z)", Pattern.DOTALL);
    private static final Pattern INLINE = Pattern.compile("`[^`\\n]*`");
    private static final Pattern QUOTED_LINE = Pattern.compile("(?m)^[ \\t]*>.*$");
    private static final Pattern MENTION = Pattern.compile("(?<![\\p{L}\\p{N}_@])@([\\p{L}\\p{N}_]+)");

    private Mentions() {
    }

    /** Returns the known names mentioned in prose, in the case given in {@code knownNames}, in order of appearance. */
    public static Set<String> in(String content, Collection<String> knownNames) {
        Set<String> found = new LinkedHashSet<>();
        if (content == null || content.isEmpty()) {
            return found;
        }
        String prose = proseOnly(content);
        Matcher matcher = MENTION.matcher(prose);
        while (matcher.find()) {
            String word = matcher.group(1).toLowerCase(Locale.ROOT);
            for (String name : knownNames) {
                if (name.toLowerCase(Locale.ROOT).equals(word)) {
                    found.add(name);
                }
            }
        }
        return found;
    }

    /** Returns {@code content} with code blocks, inline code and quoted lines blanked out. */
    static String proseOnly(String content) {
        String text = FENCED.matcher(content).replaceAll(" ");
        text = INLINE.matcher(text).replaceAll(" ");
        return QUOTED_LINE.matcher(text).replaceAll(" ");
    }
}
