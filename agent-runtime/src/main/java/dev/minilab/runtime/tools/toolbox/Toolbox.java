package dev.minilab.runtime.tools.toolbox;

import dev.minilab.runtime.sandbox.PathPolicy;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.files.FileTools;
import dev.minilab.runtime.tools.files.WorkspaceFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Makes the tools of DESIGN.md section 6 for one agent process. The agents module adds one line per tool to a role:
 * {@code toolbox.saveFile(toolbox.fullAccess())}, {@code toolbox.runShell(ShellPolicy.auditOnly())}, ...
 *
 * <p>Every tool handed out redacts and caps its result, states OK/ERROR (and the exit code for processes) and never
 * throws. The SSH key, the known_hosts file and every {@code .env} are unreadable and unwritable by the file tools.
 */
public final class Toolbox {

    private final ToolboxSettings settings;
    private final Redactor redactor;

    public Toolbox(ToolboxSettings settings, Redactor redactor) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
    }

    public ToolboxSettings settings() {
        return settings;
    }

    // ---- path policies per access level (DESIGN.md section 6) ----

    /** Reads and writes every workspace root (DevOps_Builder). */
    public PathPolicy fullAccess() {
        return PathPolicy.fullAccess(settings.workspace(), deniedFiles());
    }

    /** Reads every root, writes only under docs/ (Architect_Zero). */
    public PathPolicy docsWriter() {
        return PathPolicy.docsWriter(settings.workspace(), deniedFiles());
    }

    /** Reads every root, writes nothing (Security_Sentinel, QA_Tester). */
    public PathPolicy readOnly() {
        return PathPolicy.readOnly(settings.workspace(), deniedFiles());
    }

    /** Files no tool may read or write: the SSH key and the known_hosts file (besides every .env). */
    public List<Path> deniedFiles() {
        return List.of(settings.ssh().keyPath(), settings.ssh().knownHosts());
    }

    // ---- file tools ----

    /** {@code save_file(path, content)}. */
    public Tool saveFile(PathPolicy policy) {
        return finish(FileTools.saveFile(new WorkspaceFiles(policy)));
    }

    /** {@code append_file(path, content)}. */
    public Tool appendFile(PathPolicy policy) {
        return finish(FileTools.appendFile(new WorkspaceFiles(policy)));
    }

    /** {@code read_file(path)}. */
    public Tool readFile(PathPolicy policy) {
        return finish(FileTools.readFile(new WorkspaceFiles(policy)));
    }

    /** {@code delete_file(path)}. */
    public Tool deleteFile(PathPolicy policy) {
        return finish(FileTools.deleteFile(new WorkspaceFiles(policy)));
    }

    private Tool finish(Tool tool) {
        return new FinishedTool(tool, redactor, settings.outputCap());
    }
}
