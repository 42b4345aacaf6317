package dev.minilab.runtime.loop;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.control.CancelledException;
import dev.minilab.runtime.llm.InlineReasoning;
import dev.minilab.runtime.log.Excerpts;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArgumentException;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * The ReAct loop of one agent: call the model with the tools, run the tool calls it asks for, feed the results back,
 * until it answers, finishes, fails too often or runs out of steps.
 *
 * <p>Guards (LESSONS rows 3, 5, 7, 8, 9, 21): the step cap ends the turn with {@link TurnOutcome.StepCapReached};
 * an unknown tool name is an error naming the valid tools; tool errors go back to the model as text and
 * {@link LoopSettings#maxConsecutiveFailures()} failures in a row end the turn with {@link TurnOutcome.Escalated};
 * the same call with the same result {@link LoopSettings#repeatLimit()} times gets a "you are looping" error;
 * finishing is the {@code finish_task} tool, not a text marker; cancellation abandons the in-flight LLM request at
 * once. Reasoning ({@code reasoning_content}, and {@code <think>} blocks written inline in the content, split off by
 * {@link InlineReasoning}) and the step notes a model writes next to tool calls go to {@link TurnListener#think}
 * and are never sent back to the model; an answer or {@code finish_task} summary is its visible text only.
 */
public final class ReActLoop implements AutoCloseable {

    /** The tool Architect_Zero calls to end a task. */
    public static final String FINISH_TOOL = "finish_task";
    private static final com.fasterxml.jackson.databind.ObjectMapper SUMMARY_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    static final Duration PROGRESS_AFTER = Duration.ofSeconds(5);
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(15);

    private final String agentName;
    private final ChatModel model;
    private final String modelName;
    private final Map<String, Tool> tools = new LinkedHashMap<>();
    private final LoopSettings settings;
    private final UnaryOperator<String> redactor;
    private final ContextBudget contextBudget;
    private final ExecutorService llmCalls = Executors.newVirtualThreadPerTaskExecutor();
    private final ScheduledExecutorService progressTimer;

    public ReActLoop(String agentName, ChatModel model, String modelName, List<Tool> tools, LoopSettings settings,
                     UnaryOperator<String> redactor) {
        this(agentName, model, modelName, tools, settings, redactor, ContextBudget.unbounded());
    }

    /** As above, with every request trimmed to {@code contextBudget} (CONTEXT_BUDGET_TOKENS). */
    public ReActLoop(String agentName, ChatModel model, String modelName, List<Tool> tools, LoopSettings settings,
                     UnaryOperator<String> redactor, ContextBudget contextBudget) {
        this.contextBudget = Objects.requireNonNull(contextBudget, "contextBudget");
        this.agentName = Objects.requireNonNull(agentName, "agentName");
        this.model = Objects.requireNonNull(model, "model");
        this.modelName = modelName;
        this.settings = Objects.requireNonNull(settings, "settings");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        for (Tool tool : tools) {
            if (this.tools.put(tool.name(), tool) != null) {
                throw new IllegalArgumentException("tool " + tool.name() + " is registered twice for " + agentName);
            }
        }
        if (settings.offerFinishTool() && this.tools.containsKey(FINISH_TOOL)) {
            throw new IllegalArgumentException(FINISH_TOOL + " is built in; do not register it as a tool");
        }
        this.progressTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, agentName + "-progress");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The tool names this loop offers, in order (including {@code finish_task} when offered). */
    public List<String> toolNames() {
        List<String> names = new ArrayList<>(tools.keySet());
        if (settings.offerFinishTool()) {
            names.add(FINISH_TOOL);
        }
        return names;
    }

    /**
     * Runs one turn from {@code context} (system prompt, history, trigger) until it ends.
     *
     * @throws TurnFailedException when the model says the turn cannot go on (its guardrails' state unreadable);
     *                             nothing else is thrown
     */
    public TurnOutcome run(List<ChatMessage> context, Cancellation cancellation, TurnListener listener) {
        List<ChatMessage> messages = new ArrayList<>(context);
        List<ToolSpecification> specifications = specifications();
        List<ToolCallRecord> calls = new ArrayList<>();
        Map<String, Integer> repeats = new HashMap<>();
        int failuresInRow = 0;
        for (int step = 1; step <= settings.maxSteps(); step++) {
            if (cancellation.isCancelled()) {
                return new TurnOutcome.Stopped();
            }
            ChatResponse response;
            try {
                response = callModel(ChatRequest.builder().messages(contextBudget.fit(messages, specifications))
                        .toolSpecifications(specifications).build(), cancellation);
            } catch (CancelledException e) {
                return new TurnOutcome.Stopped();
            } catch (TurnRefusedException e) {
                return new TurnOutcome.Halted(e.reason());
            } catch (TurnFailedException e) {
                if (cancellation.isCancelled()) {
                    return new TurnOutcome.Stopped();
                }
                throw e; // the agent reports the failed turn; a Halted outcome would end it with only a log line
            } catch (RuntimeException e) {
                if (cancellation.isCancelled()) {
                    return new TurnOutcome.Stopped();
                }
                return new TurnOutcome.LlmFailed(redactor.apply("model " + modelName + ": " + describe(e)));
            }
            if (cancellation.isCancelled()) {
                return new TurnOutcome.Stopped();
            }
            if (response.tokenUsage() != null) {
                listener.usage(response.modelName() != null ? response.modelName() : modelName, response.tokenUsage());
            }
            AiMessage ai = response.aiMessage();
            if (ai.thinking() != null && !ai.thinking().isBlank()) {
                listener.think(redactor.apply(ai.thinking()));
            }
            String visible = visibleText(ai.text(), listener);
            if (!ai.hasToolExecutionRequests()) {
                return new TurnOutcome.Answered(visible);
            }
            if (!visible.isEmpty()) {
                listener.think(redactor.apply(visible));
            }
            // Only the calls go back into the context: notes and reasoning are think output (LESSONS row 1).
            // Arguments are redacted too: a secret the model typed into a call is not sent back to it.
            messages.add(AiMessage.from(ai.toolExecutionRequests().stream()
                    .map(call -> ToolExecutionRequest.builder().id(call.id()).name(call.name())
                            .arguments(redactor.apply(call.arguments() == null ? "{}" : call.arguments())).build())
                    .toList()));
            for (ToolExecutionRequest request : ai.toolExecutionRequests()) {
                if (cancellation.isCancelled()) {
                    return new TurnOutcome.Stopped();
                }
                String arguments = request.arguments() == null ? "{}" : request.arguments();
                if (settings.offerFinishTool() && FINISH_TOOL.equals(request.name())) {
                    String summary = finishSummary(arguments, listener);
                    if (summary != null) {
                        // the execution log gets the summary as published: reasoning written inline stays out
                        listener.toolCalled(FINISH_TOOL, SUMMARY_JSON.createObjectNode().put("summary", summary)
                                .toString(), ToolResult.ok("task finished"));
                        return new TurnOutcome.Finished(summary);
                    }
                }
                ToolResult result = FINISH_TOOL.equals(request.name()) && settings.offerFinishTool()
                        ? ToolResult.error("finish_task needs a non-empty 'summary' string: what was done, what "
                                + "was verified, what is left")
                        : execute(request.name(), arguments, cancellation, listener);
                if (cancellation.isCancelled()) {
                    // The call ran and was killed: it belongs in the execution log (and /log) like any other.
                    listener.toolCalled(request.name(), arguments, killedByStop(request.name(), result));
                    return new TurnOutcome.Stopped();
                }
                String key = request.name() + "\u0000" + arguments + "\u0000" + result.status() + result.output();
                int seen = repeats.merge(key, 1, Integer::sum);
                if (seen >= settings.repeatLimit()) {
                    result = ToolResult.error("You called " + request.name() + " with the same arguments " + seen
                            + " times in this turn and got the same result each time: you are looping. Do not call "
                            + "it again with these arguments. Change the arguments, try a different approach, or "
                            + "report the problem (what you tried and the error) in your answer.");
                }
                result = result.withOutput(redactor.apply(result.output()));
                ToolCallRecord record = new ToolCallRecord(request.name(), redactor.apply(arguments), result);
                calls.add(record);
                listener.toolCalled(request.name(), arguments, result);
                String forModel = Excerpts.headAndTail(result.renderForModel(), settings.toolOutputChars());
                messages.add(ToolExecutionResultMessage.from(request, forModel));
                failuresInRow = result.isError() ? failuresInRow + 1 : 0;
                if (failuresInRow >= settings.maxConsecutiveFailures()) {
                    return new TurnOutcome.Escalated(failuresInRow + " tool calls failed in a row", lastFive(calls));
                }
            }
        }
        return new TurnOutcome.StepCapReached(settings.maxSteps(), lastFive(calls));
    }

    private ChatResponse callModel(ChatRequest request, Cancellation cancellation) {
        Future<ChatResponse> call = llmCalls.submit(() -> model.chat(request));
        try (Cancellation.Registration ignored = cancellation.onCancel(() -> call.cancel(true))) {
            return call.get();
        } catch (CancellationException e) {
            throw new CancelledException();
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new CancelledException();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(cause);
        }
    }

    private ToolResult execute(String name, String arguments, Cancellation cancellation, TurnListener listener) {
        Tool tool = tools.get(name);
        if (tool == null) {
            return ToolResult.error("Unknown tool '" + name + "'. You can call only these tools: "
                    + String.join(", ", toolNames()) + ". Use one of them, or ask a teammate who has the tool.");
        }
        long started = System.nanoTime();
        ScheduledFuture<?> progress = progressTimer.scheduleAtFixedRate(
                () -> listener.stillRunning(name, Duration.ofNanos(System.nanoTime() - started).toSeconds()),
                PROGRESS_AFTER.toMillis(), PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        ToolResult result;
        try {
            result = tool.execute(ToolArguments.parse(arguments),
                    new ToolContext(agentName, cancellation, note -> { }));
        } catch (ToolArgumentException e) {
            result = ToolResult.error(name + ": " + e.getMessage());
        } catch (CancelledException e) {
            result = ToolResult.error(name + " was cancelled by STOP");
        } catch (RuntimeException e) {
            result = ToolResult.error(name + " failed unexpectedly: " + describe(e)
                    + ". This is a MiniLab bug if it repeats; report it with the execution log.");
        } finally {
            progress.cancel(false);
        }
        if (result == null) {
            result = ToolResult.error(name + " returned no result");
        }
        if (result.duration().isZero()) {
            result = result.withDuration(Duration.ofNanos(System.nanoTime() - started));
        }
        return result;
    }

    private List<ToolSpecification> specifications() {
        List<ToolSpecification> specifications = new ArrayList<>();
        for (Tool tool : tools.values()) {
            specifications.add(tool.specification());
        }
        if (settings.offerFinishTool()) {
            specifications.add(ToolSpecification.builder()
                    .name(FINISH_TOOL)
                    .description("End the current task and report to the User. Call it only when the work is done "
                            + "and verified, or cannot be done; the summary is what the User reads.")
                    .parameters(JsonObjectSchema.builder()
                            .addStringProperty("summary", "What was done, what was verified, what is left")
                            .required("summary")
                            .build())
                    .build());
        }
        return specifications;
    }

    /**
     * Returns the part of a model's text that may be published or enter a context, and sends the reasoning the model
     * wrote inline ({@code <think>…</think>}, see {@link InlineReasoning}) to the think feed: the one place where a
     * model's text becomes visible text.
     */
    private String visibleText(String text, TurnListener listener) {
        InlineReasoning.Split split = InlineReasoning.split(text);
        if (split.hasThink()) {
            listener.think(redactor.apply(split.think()));
        }
        return split.visible();
    }

    /** The visible part of finish_task's summary, or null when there is none (then the call is an error). */
    private String finishSummary(String arguments, TurnListener listener) {
        String summary;
        try {
            summary = ToolArguments.parse(arguments).optionalString("summary").orElse(null);
        } catch (ToolArgumentException e) {
            return null;
        }
        String visible = visibleText(summary, listener);
        return visible.isEmpty() ? null : visible;
    }

    /** The record of a call that STOP ended: an error, with its duration, exit code and the output it had made. */
    private ToolResult killedByStop(String name, ToolResult result) {
        String output = result.output().isBlank() || result.output().equals(name + " was cancelled by STOP") ? ""
                : "; output until then:\n" + result.output();
        return new ToolResult(ToolResult.Status.ERROR, result.exitCode(), result.duration(),
                redactor.apply(name + " was killed by STOP after " + result.duration().toMillis() + " ms" + output));
    }

    private static List<ToolCallRecord> lastFive(List<ToolCallRecord> calls) {
        return List.copyOf(calls.subList(Math.max(0, calls.size() - 5), calls.size()));
    }

    /** One line from an exception chain: each distinct message once, or the class name where there is none. */
    static String describe(Throwable error) {
        java.util.LinkedHashSet<String> parts = new java.util.LinkedHashSet<>();
        for (Throwable t = error; t != null && parts.size() < 4; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage();
            String part = message == null || message.isBlank() ? t.getClass().getSimpleName() : message.strip();
            if (parts.stream().noneMatch(existing -> existing.contains(part))) {
                parts.add(part);
            }
        }
        return String.join(" ← ", parts);
    }

    @Override
    public void close() {
        llmCalls.shutdownNow();
        progressTimer.shutdownNow();
    }
}
