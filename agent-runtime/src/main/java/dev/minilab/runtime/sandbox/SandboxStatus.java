package dev.minilab.runtime.sandbox;

import dev.minilab.runtime.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Whether this process can isolate its tools, decided once at start from {@code MINILAB_SANDBOX}: unset (or
 * {@code bwrap}) requires bubblewrap and probes that it really works here; {@code none} runs tools unconfined, on
 * the user's explicit word.
 */
public sealed interface SandboxStatus {

    /** The variable that chooses. */
    String VARIABLE = "MINILAB_SANDBOX";

    /** Tools run under {@code tools}. */
    record Confined(Isolation tools) implements SandboxStatus {
    }

    /** {@code MINILAB_SANDBOX=none}: tools run as the agent, with what the agent can see. */
    record Unconfined() implements SandboxStatus {
    }

    /** Isolation was required but does not work here; process tools refuse every call with {@code reason}. */
    record Unavailable(String reason) implements SandboxStatus {
    }

    /** One word for the status line: {@code bwrap}, {@code none} or {@code unavailable}. */
    default String label() {
        return switch (this) {
            case Confined c -> c.tools().name();
            case Unconfined u -> "none";
            case Unavailable u -> "unavailable";
        };
    }

    /** The isolation process tools run under; when it is unavailable, one that refuses to start anything. */
    default Isolation isolation() {
        return switch (this) {
            case Confined c -> c.tools();
            case Unconfined u -> Isolation.none();
            case Unavailable u -> Isolation.refusing(refusal(u.reason()));
        };
    }

    /**
     * Reads {@code MINILAB_SANDBOX} from {@code env} and, unless it is {@code none}, finds bwrap on the env's PATH
     * and probes it once per executable (later calls reuse the answer).
     *
     * @throws ConfigException for a value other than empty, {@code bwrap} or {@code none}
     */
    static SandboxStatus fromEnv(Map<String, String> env) {
        String value = env.getOrDefault(VARIABLE, "").strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "none" -> new Unconfined();
            case "", "bwrap" -> Probe.bwrap(env.getOrDefault("PATH", ChildEnvironment.DEFAULT_PATH) + ":/usr/bin:/bin");
            default -> throw ConfigException.invalid(VARIABLE, env.get(VARIABLE),
                    "bwrap (the default: kernel isolation of every tool process) or none (no isolation)");
        };
    }

    /**
     * Checks the value of {@code MINILAB_SANDBOX} without probing.
     *
     * @throws ConfigException for a value other than empty, {@code bwrap} or {@code none}
     */
    static void validate(Map<String, String> env) {
        String value = env.getOrDefault(VARIABLE, "").strip().toLowerCase(Locale.ROOT);
        if (!value.isEmpty() && !value.equals("bwrap") && !value.equals("none")) {
            throw ConfigException.invalid(VARIABLE, env.get(VARIABLE),
                    "bwrap (the default: kernel isolation of every tool process) or none (no isolation)");
        }
    }

    /** The message tools give when they refuse to run without isolation. */
    static String refusal(String reason) {
        return "refused: tool processes run only inside a kernel sandbox, and none is available here (" + reason
                + "). Ask the user to install bubblewrap (Debian/Ubuntu: apt-get install bubblewrap) and allow "
                + "user namespaces, or, knowing that tools then see everything the agent sees, to set "
                + VARIABLE + "=none in .env and restart the agents";
    }

    /** Probes bwrap, once per executable. */
    final class Probe {
        private static final Map<Path, SandboxStatus> CACHE = new ConcurrentHashMap<>();
        private static final Duration TIMEOUT = Duration.ofSeconds(20);

        private Probe() {
        }

        static SandboxStatus bwrap(String path) {
            Optional<Path> executable = Bwrap.find(path);
            if (executable.isEmpty()) {
                return new Unavailable("bwrap is not installed (not found on PATH)");
            }
            return CACHE.computeIfAbsent(executable.get(), Probe::probe);
        }

        /** Runs {@code true} in a sandbox built exactly as tools get theirs, without network. */
        static SandboxStatus probe(Path executable) {
            Bwrap bwrap = new Bwrap(executable);
            Path here = Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath();
            String trueCommand = Path.of("/usr/bin/true").toFile().canExecute() ? "/usr/bin/true" : "/bin/true";
            Isolation.Prepared prepared = bwrap.prepare(List.of(trueCommand), here,
                    Map.of("PATH", ChildEnvironment.DEFAULT_PATH), SandboxView.readOnlyWorkspace(here));
            try {
                Process process = new ProcessBuilder(prepared.command()).redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                byte[] output = process.getInputStream().readNBytes(4096);
                if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return new Unavailable(executable + " did not answer within " + TIMEOUT.toSeconds() + " s");
                }
                if (process.exitValue() != 0) {
                    String said = new String(output, StandardCharsets.UTF_8).strip();
                    return new Unavailable(executable + " cannot create a sandbox here (exit " + process.exitValue()
                            + (said.isEmpty() ? "" : ": " + said) + "); in a container this usually means user "
                            + "namespaces are blocked (see docs/TOOLS.md, Isolation)");
                }
                return new Confined(bwrap);
            } catch (IOException e) {
                return new Unavailable(executable + " could not be started: " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Unavailable("interrupted while probing " + executable);
            }
        }
    }
}
