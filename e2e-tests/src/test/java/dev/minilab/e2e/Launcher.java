package dev.minilab.e2e;

import dev.minilab.testkit.ChildProcess;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Starts MiniLab processes through the real {@code ./minilab} launcher of this checkout. */
final class Launcher {

    private final Path repo;
    private final Path workspace;
    private final Map<String, String> env;

    Launcher(Path workspace, Map<String, String> settings) {
        this.repo = AgentJvm.repo();
        // the agents up/agent start use the AOT cache ./minilab build would have made
        AgentJvm.ensureCache();
        this.workspace = workspace;
        this.env = new HashMap<>(settings);
        this.env.put("MINILAB_WORKSPACE", workspace.toString());
        this.env.put("JAVA_HOME", Path.of(System.getProperty("java.home")).toString());
        // A home of the test's own: the launcher keeps the keys in ~/.config/minilab/keys, never the developer's.
        this.env.putIfAbsent("HOME", home(workspace).toString());
    }

    /** The HOME the launched processes get (the signing keys live in its .config/minilab/keys). */
    static Path home(Path workspace) {
        return workspace.resolve(".test-home");
    }

    /** The launcher's default key folder for this workspace's processes. */
    Path keysDir() {
        return Path.of(env.get("HOME")).resolve(".config/minilab/keys");
    }

    Path repo() {
        return repo;
    }

    /** {@code ./minilab agent <role>}, stdout+stderr into logs/<role>.log of the workspace. */
    ChildProcess agent(String role) {
        return start(List.of("agent", role), role);
    }

    /** {@code ./minilab console}, with stdin a pipe the test writes to. */
    ChildProcess console() {
        return start(List.of("console"), "console");
    }

    ChildProcess start(List<String> args, String logName) {
        return startIn(workspace, true, args, logName);
    }

    /**
     * Runs the launcher in {@code dir} (a user's {@code cd}); without {@code MINILAB_WORKSPACE} when
     * {@code namedWorkspace} is false, so the launcher decides the workspace itself. Output goes to
     * {@code logs/<logName>.log} of the workspace given at construction.
     */
    ChildProcess startIn(Path dir, boolean namedWorkspace, List<String> args, String logName) {
        List<String> command = new java.util.ArrayList<>();
        command.add(repo.resolve("minilab").toString());
        command.addAll(args);
        // Only what the test chose: never a developer's OPENAI_API_KEY or REDIS_* from the machine.
        ProcessBuilder builder = AgentJvm.clean(new ProcessBuilder(command), dir, env);
        if (!namedWorkspace) {
            builder.environment().remove("MINILAB_WORKSPACE");
        }
        return ChildProcess.start(builder, workspace.resolve("logs").resolve(logName + ".log"));
    }
}
