package dev.minilab.runtime.tools.files;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import java.util.List;

/**
 * The four file tools ({@code save_file}, {@code append_file}, {@code read_file}, {@code delete_file}) as thin
 * adapters over {@link WorkspaceFiles}. Refusals and failures come back as ERROR results, never as exceptions.
 */
public final class FileTools {

    private FileTools() {
    }

    /** {@code save_file(path, content)}: create or replace a text file. */
    public static Tool saveFile(WorkspaceFiles files) {
        return new FileTool(spec("save_file",
                "Create or replace a UTF-8 text file in the workspace. Path relative to the workspace, under "
                        + files.policy().describeRoots(true) + ". Parent folders are created.", true),
                (args) -> {
                    String path = args.requireString("path");
                    int bytes = files.write(path, args.requireString("content"));
                    return "saved " + files.display(files.policy().resolveForWrite(path)) + " (" + bytes + " bytes)";
                });
    }

    /** {@code append_file(path, content)}: append to a text file, creating it when missing. */
    public static Tool appendFile(WorkspaceFiles files) {
        return new FileTool(spec("append_file",
                "Append text to a UTF-8 file in the workspace (created when missing). Path under "
                        + files.policy().describeRoots(true) + ".", true),
                (args) -> {
                    String path = args.requireString("path");
                    int bytes = files.append(path, args.requireString("content"));
                    return "appended " + bytes + " bytes to " + files.display(files.policy().resolveForWrite(path));
                });
    }

    /** {@code read_file(path)}: a text file's content, or a folder's listing. */
    public static Tool readFile(WorkspaceFiles files) {
        return new FileTool(spec("read_file",
                "Read a UTF-8 text file of the workspace, or list a folder. Path under "
                        + files.policy().describeRoots(false) + ". Long files are cut in the middle.", false),
                (args) -> switch (files.read(args.requireString("path"))) {
                    case WorkspaceFiles.ReadOutcome.FileText text -> text.text();
                    case WorkspaceFiles.ReadOutcome.Listing listing -> listing.entries().isEmpty()
                            ? "(empty folder)" : String.join("\n", listing.entries());
                });
    }

    /** {@code delete_file(path)}: delete a file or an empty folder. */
    public static Tool deleteFile(WorkspaceFiles files) {
        return new FileTool(spec("delete_file",
                "Delete one file (or an empty folder) in the workspace, under "
                        + files.policy().describeRoots(true) + ".", false),
                (args) -> {
                    String path = args.requireString("path");
                    String shown = files.display(files.policy().resolveForWrite(path));
                    files.delete(path);
                    return "deleted " + shown;
                });
    }

    private static ToolSpecification spec(String name, String description, boolean withContent) {
        JsonObjectSchema.Builder params = JsonObjectSchema.builder()
                .addStringProperty("path", "path relative to the workspace, e.g. generated_iac/config/site.yml");
        if (withContent) {
            params.addStringProperty("content", "the full text to write");
            params.required(List.of("path", "content"));
        } else {
            params.required(List.of("path"));
        }
        return ToolSpecification.builder().name(name).description(description).parameters(params.build()).build();
    }

    @FunctionalInterface
    private interface Action {
        String run(ToolArguments args);
    }

    private record FileTool(ToolSpecification specification, Action action) implements Tool {
        @Override
        public ToolResult execute(ToolArguments arguments, ToolContext context) {
            try {
                return ToolResult.ok(action.run(arguments));
            } catch (MiniLabException e) {
                return ToolResult.error(e.getMessage());
            }
        }
    }
}
