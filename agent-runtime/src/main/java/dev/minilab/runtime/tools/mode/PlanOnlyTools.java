package dev.minilab.runtime.tools.mode;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArgumentException;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.shell.ShellPolicy;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code MINILAB_MODE=plan-only}: the tools that change infrastructure refuse every call that would. terraform
 * {@code apply} and {@code destroy} are refused (plan, show, validate still run); {@code run_ansible} runs only with
 * {@code check} and {@code diff}; {@code run_ssh} and {@code run_shell} accept only the read-only commands QA_Tester
 * may run ({@link ShellPolicy#readOnly()}). Other tools are returned unchanged.
 */
public final class PlanOnlyTools {

    /** Starts every refusal, so the model and the User see why. */
    static final String REFUSED = "refused: MiniLab runs in plan-only mode (MINILAB_MODE=plan-only), nothing may "
            + "change. ";

    private PlanOnlyTools() {
    }

    /** {@code tool} with the plan-only refusals of its name, or {@code tool} itself when it changes nothing. */
    public static Tool guard(Tool tool) {
        return switch (tool.name()) {
            case "run_terraform" -> new Guarded(tool, PlanOnlyTools::terraform,
                    "PLAN-ONLY MODE: apply and destroy are refused; plan, show and validate run.");
            case "run_ansible" -> new Guarded(tool, PlanOnlyTools::ansible,
                    "PLAN-ONLY MODE: only with check=true and diff=true (a dry run).");
            case "run_ssh" -> new Guarded(tool, args -> readOnly(args, "run_ssh"),
                    "PLAN-ONLY MODE: only read-only commands (" + ShellPolicy.readOnly().describe() + ").");
            case "run_shell" -> new Guarded(tool, args -> readOnly(args, "run_shell"),
                    "PLAN-ONLY MODE: only " + ShellPolicy.readOnly().describe() + ".");
            case "provision" -> new Guarded(tool, PlanOnlyTools::provision,
                    "PLAN-ONLY MODE: only target=simulated (nothing real is created).");
            default -> tool;
        };
    }

    private static Optional<String> terraform(ToolArguments arguments) {
        String command = arguments.optionalString("command").orElse("").strip().toLowerCase(Locale.ROOT);
        if (command.equals("apply") || command.equals("destroy")) {
            return Optional.of(REFUSED + "terraform " + command + " is not run. Make the plan (command=plan), review "
                    + "it with command=show, and report it to the User: they switch to MINILAB_MODE=normal to apply.");
        }
        return Optional.empty();
    }

    private static Optional<String> provision(ToolArguments arguments) {
        String target = arguments.optionalString("target").orElse("real").strip().toLowerCase(Locale.ROOT);
        if (!target.equals("simulated")) {
            return Optional.of(REFUSED + "provision creates real guests; run it with target=simulated to rehearse the "
                    + "spec, and report it to the User: they switch to MINILAB_MODE=normal to build it.");
        }
        return Optional.empty();
    }

    private static Optional<String> ansible(ToolArguments arguments) {
        if (!arguments.optionalBoolean("check", false) || !arguments.optionalBoolean("diff", false)) {
            return Optional.of(REFUSED + "run_ansible runs only as a dry run: call it again with check=true and "
                    + "diff=true, and report what would change.");
        }
        return Optional.empty();
    }

    private static Optional<String> readOnly(ToolArguments arguments, String tool) {
        String command = arguments.optionalString("command").orElse("");
        return ShellPolicy.readOnly().refusal(command).map(why -> REFUSED + tool + " accepts only read-only "
                + "commands here; " + why);
    }

    /** A tool whose calls are checked first. */
    private static final class Guarded implements Tool {
        private final Tool delegate;
        private final Function<ToolArguments, Optional<String>> refusal;
        private final ToolSpecification specification;

        Guarded(Tool delegate, Function<ToolArguments, Optional<String>> refusal, String note) {
            this.delegate = delegate;
            this.refusal = refusal;
            ToolSpecification original = delegate.specification();
            this.specification = ToolSpecification.builder().name(original.name())
                    .description(original.description() + " " + note).parameters(original.parameters()).build();
        }

        @Override
        public ToolSpecification specification() {
            return specification;
        }

        @Override
        public ToolResult execute(ToolArguments arguments, ToolContext context) {
            Optional<String> refused;
            try {
                refused = refusal.apply(arguments);
            } catch (ToolArgumentException e) {
                return ToolResult.error(delegate.name() + ": " + e.getMessage());
            }
            return refused.map(ToolResult::error).orElseGet(() -> delegate.execute(arguments, context));
        }
    }
}
