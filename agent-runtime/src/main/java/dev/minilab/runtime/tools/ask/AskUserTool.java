package dev.minilab.runtime.tools.ask;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.minilab.runtime.discipline.Questions;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.support.Specs;
import java.util.Objects;

/**
 * {@code ask_user(question)} (Architect_Zero only, LESSONS row 18): the one way to put a question to the User. The
 * console highlights it; while it is open the team spends nothing (no turn starts, no LLM call is made) until the
 * User writes again.
 */
public final class AskUserTool implements Tool {

    /** The tool's name. */
    public static final String NAME = "ask_user";
    /** Longest question accepted. */
    static final int MAX_CHARS = 2000;

    private final Questions questions;

    public AskUserTool(Questions questions) {
        this.questions = Objects.requireNonNull(questions, "questions");
    }

    @Override
    public ToolSpecification specification() {
        return Specs.of(NAME, "Ask the User one question and wait for the answer. Use it only for what the team "
                + "cannot decide or find out itself: missing credentials, host names or addresses, business facts, "
                + "a go/no-go on something risky. Decide technical choices yourself; never offer option menus. The "
                + "whole team waits (and spends nothing) until the User answers; end your turn after asking.",
                JsonObjectSchema.builder()
                        .addStringProperty("question", "the question, complete and answerable in one message")
                        .required("question")
                        .build());
    }

    @Override
    public ToolResult execute(ToolArguments arguments, ToolContext context) {
        String question = arguments.requireString("question").strip();
        if (question.isEmpty()) {
            return ToolResult.error("question is empty: write the question the User should answer");
        }
        if (question.length() > MAX_CHARS) {
            return ToolResult.error("the question is " + question.length() + " characters; keep it under " + MAX_CHARS
                    + " (one clear question, not a report)");
        }
        questions.ask(question);
        return ToolResult.ok("Your question is with the User. Your turn ends here: the team waits, spending "
                + "nothing, until the User answers (the answer arrives as the User's next message).");
    }
}
