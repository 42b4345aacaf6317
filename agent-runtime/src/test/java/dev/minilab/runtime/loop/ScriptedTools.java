package dev.minilab.runtime.loop;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Small in-memory tools for loop tests: they record their calls and answer from a function. */
final class ScriptedTools {

    private ScriptedTools() {
    }

    static RecordingTool tool(String name, Function<ToolArguments, ToolResult> behaviour) {
        return new RecordingTool(name, behaviour);
    }

    static final class RecordingTool implements Tool {
        private final String name;
        private final Function<ToolArguments, ToolResult> behaviour;
        final List<String> calls = new CopyOnWriteArrayList<>();

        RecordingTool(String name, Function<ToolArguments, ToolResult> behaviour) {
            this.name = name;
            this.behaviour = behaviour;
        }

        @Override
        public ToolSpecification specification() {
            return ToolSpecification.builder().name(name).description("test tool " + name)
                    .parameters(JsonObjectSchema.builder().addStringProperty("value").build()).build();
        }

        @Override
        public ToolResult execute(ToolArguments arguments, ToolContext context) {
            calls.add(arguments.toJson());
            return behaviour.apply(arguments);
        }
    }
}
