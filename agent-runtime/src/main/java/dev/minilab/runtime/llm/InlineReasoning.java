package dev.minilab.runtime.llm;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Separates reasoning a model wrote inline in its message content from the answer it meant to give.
 *
 * <p>Local reasoning models (qwen3, deepseek-r1, QwQ, gpt-oss with some chat templates) served by Ollama, LM Studio,
 * vLLM or llama.cpp without a reasoning parser put their reasoning into the content as {@code <think>…</think>}
 * instead of a separate {@code reasoning_content} field. Recognised, in any letter case:
 * <ul>
 *   <li>{@code <think>}, {@code <thinking>} and {@code <reasoning>} blocks, several per answer, anywhere;</li>
 *   <li>an opening tag that is never closed (the model hit its token limit): everything after it is reasoning;</li>
 *   <li>a closing tag before any opening tag (the chat template put the opening tag in the prompt, so the answer
 *       begins inside the reasoning): everything before it is reasoning.</li>
 * </ul>
 * A tag written directly after a backtick ({@code `<think>`}) is prose about the tag, not a tag. A closing tag with
 * no open block later in the text is dropped.
 */
public final class InlineReasoning {

    private static final Pattern TAG = Pattern.compile("<\\s*(/?)\\s*(think|thinking|reasoning)\\s*>",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern BLANK_LINES = Pattern.compile("\\n[ \\t]*\\n(?:[ \\t]*\\n)+");

    /**
     * A model answer split in two.
     *
     * @param visible what the model meant to say: published, and what enters any later context; stripped, never null
     * @param think   the reasoning blocks' text, stripped and separated by blank lines; empty when there was none
     */
    public record Split(String visible, String think) {
        public Split {
            visible = visible == null ? "" : visible;
            think = think == null ? "" : think;
        }

        /** Returns true when the answer held reasoning. */
        public boolean hasThink() {
            return !think.isBlank();
        }
    }

    private InlineReasoning() {
    }

    /** Splits {@code content} (null is an empty answer) into its visible text and its inline reasoning. */
    public static Split split(String content) {
        if (content == null || content.isBlank()) {
            return new Split("", "");
        }
        List<Tag> tags = tags(content);
        if (tags.isEmpty()) {
            return new Split(content.strip(), "");
        }
        StringBuilder visible = new StringBuilder();
        List<String> think = new ArrayList<>();
        int position = 0;
        int index = 0;
        if (tags.getFirst().closing()) {
            // The answer begins inside the reasoning: the opening tag was part of the prompt.
            think.add(content.substring(0, tags.getFirst().start()));
            position = tags.getFirst().end();
            index = 1;
        }
        while (index < tags.size()) {
            Tag tag = tags.get(index);
            visible.append(content, position, tag.start());
            position = tag.end();
            index++;
            if (tag.closing()) {
                continue; // a stray closing tag: dropped, the text around it stays visible
            }
            int close = index;
            while (close < tags.size() && !(tags.get(close).closing() && tags.get(close).name().equals(tag.name()))) {
                close++;
            }
            if (close == tags.size()) {
                think.add(content.substring(position)); // never closed: the model ran out of tokens while thinking
                position = content.length();
                index = close;
            } else {
                think.add(content.substring(position, tags.get(close).start()));
                position = tags.get(close).end();
                index = close + 1;
            }
        }
        visible.append(content, position, content.length());
        return new Split(BLANK_LINES.matcher(visible).replaceAll("\n\n").strip(), join(think));
    }

    private static List<Tag> tags(String content) {
        List<Tag> tags = new ArrayList<>();
        Matcher matcher = TAG.matcher(content);
        while (matcher.find()) {
            if (matcher.start() > 0 && content.charAt(matcher.start() - 1) == '`') {
                continue;
            }
            tags.add(new Tag(matcher.start(), matcher.end(), !matcher.group(1).isEmpty(),
                    matcher.group(2).toLowerCase(Locale.ROOT)));
        }
        return tags;
    }

    private static String join(List<String> parts) {
        List<String> kept = new ArrayList<>();
        for (String part : parts) {
            if (!part.isBlank()) {
                kept.add(part.strip());
            }
        }
        return String.join("\n\n", kept);
    }

    private record Tag(int start, int end, boolean closing, String name) { }
}
