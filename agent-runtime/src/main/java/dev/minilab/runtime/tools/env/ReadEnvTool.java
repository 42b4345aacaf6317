package dev.minilab.runtime.tools.env;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.support.Specs;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code read_env(name)}: one variable of the agent's environment. Secret variables (names with KEY, SECRET,
 * PASSWORD, TOKEN, ..., the configured extra names, and the Proxmox/Redis/OpenAI credentials) only say that they are
 * set, never their value. Listing everything ({@code ALL}, {@code *}) is refused.
 */
public final class ReadEnvTool implements Tool {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Set<String> ALWAYS_SECRET = Set.of("PM_TOKEN_ID", "PM_TOKEN_SECRET", "REDIS_URL",
            "MINILAB_PRIVATE_KEY", "OPENAI_API_KEY", "REDIS_PASSWORD");

    private final Map<String, String> env;
    private final Set<String> extraSecretNames;

    public ReadEnvTool(Map<String, String> env, List<String> extraSecretNames) {
        this.env = Map.copyOf(env);
        this.extraSecretNames = Set.copyOf(extraSecretNames.stream().map(n -> n.toUpperCase(Locale.ROOT)).toList());
    }

    @Override
    public ToolSpecification specification() {
        return Specs.of("read_env", "Read one environment variable of this agent by exact name (e.g. SSH_USER, "
                + "PM_API_URL). Secret variables only report that they are set; their values are never shown.",
                JsonObjectSchema.builder().addStringProperty("name", "the variable name, e.g. SSH_ALLOWED_HOSTS")
                        .required("name").build());
    }

    @Override
    public ToolResult execute(ToolArguments arguments, ToolContext context) {
        String name = arguments.requireString("name").strip();
        if (name.equalsIgnoreCase("ALL") || name.contains("*") || name.isEmpty()) {
            return ToolResult.error("read_env reads one variable by its exact name; listing all variables is not "
                    + "allowed. Ask for a specific name such as SSH_USER");
        }
        if (!NAME.matcher(name).matches()) {
            return ToolResult.error("'" + name + "' is not a variable name (letters, digits and _)");
        }
        String value = env.get(name);
        if (value == null) {
            return ToolResult.ok(name + " is not set");
        }
        String upper = name.toUpperCase(Locale.ROOT);
        if (Redactor.isSecretName(name) || extraSecretNames.contains(upper) || ALWAYS_SECRET.contains(upper)) {
            return ToolResult.ok(name + " is set (secret: value hidden, " + (value.isEmpty() ? "empty" : "non-empty")
                    + ")");
        }
        return ToolResult.ok(name + "=" + value);
    }
}
