package dev.minilab.provisioning.diagnosis;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.control.CancelledException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One LLM call through langchain4j with the failure's evidence; the answer must match the schema of
 * {@link AnswerParser}. An invalid answer gets one retry (the model is told what was wrong); a second invalid answer
 * ends the diagnosis as {@link DiagnosisOutcome.Invalid}. Every response's usage is recorded. STOP abandons the call.
 */
public final class LlmDiagnosis implements Diagnosis {

    private static final Logger LOG = LoggerFactory.getLogger(LlmDiagnosis.class);

    private final ChatModel model;
    private final String modelName;
    private final UnaryOperator<String> redactor;

    /**
     * @param redactor applied to everything sent to the model (terraform output can echo secrets)
     */
    public LlmDiagnosis(ChatModel model, String modelName, UnaryOperator<String> redactor) {
        this.model = Objects.requireNonNull(model, "model");
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
    }

    public String modelName() {
        return modelName;
    }

    @Override
    public DiagnosisOutcome diagnose(DiagnosisRequest request, LlmUsage usage, Cancellation cancellation) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from(DiagnosisPrompt.system()));
        messages.add(UserMessage.from(DiagnosisPrompt.evidence(request, redactor)));
        String lastAnswer = "";
        String reason = "";
        for (int attempt = 1; attempt <= 2; attempt++) {
            ChatResponse response;
            try {
                response = call(messages, cancellation);
            } catch (CancelledException e) {
                throw e;
            } catch (RuntimeException e) {
                usage.recordFailedCall();
                String why = describe(e);
                LOG.warn("Diagnosis call to model {} failed: {}. Check OPENAI_API_BASE, OPENAI_API_KEY and the model "
                        + "name.", modelName, why);
                return new DiagnosisOutcome.Unavailable("model " + modelName + " could not be asked: " + why);
            }
            usage.record(modelName, response.tokenUsage());
            AiMessage answer = response.aiMessage();
            lastAnswer = answer == null || answer.text() == null ? "" : answer.text();
            AnswerParser.Parsed parsed = AnswerParser.parse(lastAnswer, request.allowed());
            if (parsed instanceof AnswerParser.Valid valid) {
                return new DiagnosisOutcome.Proposed(valid.hypothesis());
            }
            reason = ((AnswerParser.Rejected) parsed).reason();
            LOG.info("Diagnosis answer {} of model {} is invalid: {}", attempt, modelName, reason);
            messages.add(AiMessage.from(lastAnswer.isEmpty() ? "(empty answer)" : lastAnswer));
            messages.add(UserMessage.from(DiagnosisPrompt.retry(reason)));
        }
        return new DiagnosisOutcome.Invalid(reason, lastAnswer);
    }

    /** Runs the call on a virtual thread so that STOP can abandon it. */
    private ChatResponse call(List<ChatMessage> messages, Cancellation cancellation) {
        cancellation.throwIfCancelled();
        ChatRequest request = ChatRequest.builder().messages(List.copyOf(messages)).build();
        CompletableFuture<ChatResponse> future = new CompletableFuture<>();
        Thread worker = Thread.ofVirtual().name("diagnosis-" + modelName).start(() -> {
            try {
                future.complete(model.chat(request));
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        });
        try (Cancellation.Registration ignored = cancellation.onCancel(() -> {
            future.cancel(true);
            worker.interrupt();
        })) {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            worker.interrupt();
            throw new CancelledException();
        } catch (java.util.concurrent.CancellationException e) {
            throw new CancelledException();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
        }
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder();
        Throwable current = e;
        int depth = 0;
        while (current != null && depth++ < 4) {
            if (!text.isEmpty()) {
                text.append(" ← ");
            }
            text.append(current.getClass().getSimpleName());
            if (current.getMessage() != null) {
                text.append(": ").append(current.getMessage().strip().replaceAll("\\s+", " "));
            }
            current = current.getCause();
        }
        return text.length() > 400 ? text.substring(0, 400) + "…" : text.toString();
    }
}
