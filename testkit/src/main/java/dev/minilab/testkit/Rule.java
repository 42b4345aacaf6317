package dev.minilab.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * When a scripted reply applies: conditions on the request (all must hold), how often the rule may fire and how long
 * to wait before answering. Immutable; every method returns a new rule.
 *
 * <pre>{@code
 * Rule.forRole("DevOps_Builder").lastMessageRole("tool").lastMessageContains("exit code 0").times(1)
 * }</pre>
 */
public final class Rule {

    /** Unlimited firings. */
    public static final int UNLIMITED = Integer.MAX_VALUE;

    private final List<Predicate<RecordedRequest>> conditions;
    private final List<String> descriptions;
    private final int times;
    private final Duration delay;

    private Rule(List<Predicate<RecordedRequest>> conditions, List<String> descriptions, int times, Duration delay) {
        this.conditions = List.copyOf(conditions);
        this.descriptions = List.copyOf(descriptions);
        this.times = times;
        this.delay = delay;
    }

    /** Returns a rule that matches every request. */
    public static Rule any() {
        return new Rule(List.of(), List.of(), UNLIMITED, Duration.ZERO);
    }

    /** Returns a rule matching requests whose system message starts with the line {@code You are <role>.}. */
    public static Rule forRole(String role) {
        return any().role(role);
    }

    /** Adds: the asking role (parsed from the system message's first line) is {@code role}. */
    public Rule role(String role) {
        Objects.requireNonNull(role, "role");
        return with("role=" + role, request -> role.equals(request.role()));
    }

    /** Adds: the first system message contains {@code text}. */
    public Rule systemPromptContains(String text) {
        Objects.requireNonNull(text, "text");
        return with("systemPromptContains '" + text + "'",
                request -> request.systemPrompt() != null && request.systemPrompt().contains(text));
    }

    /** Adds: the last message's content (any role, tool results included) contains {@code text}. */
    public Rule lastMessageContains(String text) {
        Objects.requireNonNull(text, "text");
        return with("lastMessageContains '" + text + "'", request -> request.lastMessage() != null
                && request.lastMessage().content() != null && request.lastMessage().content().contains(text));
    }

    /** Adds: the last message has this role ({@code user}, {@code tool}, {@code assistant}, {@code system}). */
    public Rule lastMessageRole(String role) {
        Objects.requireNonNull(role, "role");
        return with("lastMessageRole=" + role,
                request -> request.lastMessage() != null && role.equals(request.lastMessage().role()));
    }

    /** Adds: some message's content contains {@code text}. */
    public Rule anyMessageContains(String text) {
        Objects.requireNonNull(text, "text");
        return with("anyMessageContains '" + text + "'", request -> request.messages().stream()
                .anyMatch(message -> message.content() != null && message.content().contains(text)));
    }

    /** Adds: the offered tools include {@code toolName}. */
    public Rule offersTool(String toolName) {
        Objects.requireNonNull(toolName, "toolName");
        return with("offersTool " + toolName, request -> request.toolNames().contains(toolName));
    }

    /** Adds a free condition. */
    public Rule matching(Predicate<RecordedRequest> condition) {
        return matching("custom predicate", condition);
    }

    /** Adds a free condition, described in error messages by {@code description}. */
    public Rule matching(String description, Predicate<RecordedRequest> condition) {
        Objects.requireNonNull(condition, "condition");
        return with(description, condition);
    }

    /** Lets the rule fire at most {@code n} times (default unlimited). */
    public Rule times(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("times must be at least 1, got " + n);
        }
        return new Rule(conditions, descriptions, n, delay);
    }

    /** Same as {@code times(1)}. */
    public Rule once() {
        return times(1);
    }

    /** Waits {@code delay} before answering (on the request's own thread; close() does not wait for it). */
    public Rule delay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative");
        }
        return new Rule(conditions, descriptions, times, delay);
    }

    /** Returns whether every condition holds for {@code request}. */
    public boolean matches(RecordedRequest request) {
        return conditions.stream().allMatch(condition -> condition.test(request));
    }

    /** Returns how often the rule may fire ({@link #UNLIMITED} by default). */
    public int times() {
        return times;
    }

    /** Returns the delay before answering. */
    public Duration delay() {
        return delay;
    }

    private Rule with(String description, Predicate<RecordedRequest> condition) {
        List<Predicate<RecordedRequest>> newConditions = new ArrayList<>(conditions);
        newConditions.add(condition);
        List<String> newDescriptions = new ArrayList<>(descriptions);
        newDescriptions.add(description);
        return new Rule(newConditions, newDescriptions, times, delay);
    }

    @Override
    public String toString() {
        String what = descriptions.isEmpty() ? "any request" : String.join(" & ", descriptions);
        String howOften = times == UNLIMITED ? "" : " x" + times;
        String wait = delay.isZero() ? "" : " after " + delay.toMillis() + " ms";
        return "Rule[" + what + howOften + wait + "]";
    }
}
