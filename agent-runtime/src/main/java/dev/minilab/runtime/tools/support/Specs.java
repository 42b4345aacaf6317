package dev.minilab.runtime.tools.support;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;

/** Small helpers to keep tool specifications short. */
public final class Specs {

    private Specs() {
    }

    /** A specification with the given name, description and argument schema. */
    public static ToolSpecification of(String name, String description, JsonObjectSchema parameters) {
        return ToolSpecification.builder().name(name).description(description).parameters(parameters).build();
    }
}
