package dev.minilab.runtime.iac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.sandbox.ExecRequest;
import dev.minilab.runtime.sandbox.ExecResult;
import dev.minilab.runtime.sandbox.ProcessRunner;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Terraform's own check, for what MiniLab's parser cannot judge: {@code terraform validate -json}. It applies the
 * real HCL grammar always (hcl4j's is lenient: an unclosed block can vanish silently) and, in a module that
 * {@code terraform init} has prepared, types, references and provider schemas too. Runs with the terraform child env.
 */
public final class TerraformCli {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProcessRunner runner;
    private final String executable;
    private final Map<String, String> env;
    private final Duration timeout;

    /**
     * @param executable terraform's name on the env's PATH, or its path
     * @param env        the child env terraform gets (scrubbed; with TF_VAR_pm_*)
     */
    public TerraformCli(ProcessRunner runner, String executable, Map<String, String> env, Duration timeout) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.executable = Objects.requireNonNull(executable, "executable");
        this.env = Map.copyOf(env);
        this.timeout = Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * {@code terraform validate -json}: every diagnostic as a finding; a note instead when the module is not
     * initialised yet (validate needs the providers and modules that init installs).
     */
    public List<Finding> validate(Path dir, String display, Cancellation cancellation) {
        ExecResult result;
        try {
            result = runner.run(ExecRequest.of(List.of(executable, "validate", "-json", "-no-color"), dir, env,
                    timeout), cancellation);
        } catch (MiniLabException e) {
            return List.of(Finding.note(display, 0, "terraform validate did not run (" + e.getMessage() + ")"));
        }
        JsonNode json;
        try {
            json = JSON.readTree(result.stdout());
        } catch (IOException e) {
            json = null;
        }
        if (json == null || !json.has("valid")) {
            return result.succeeded() ? List.of() : List.of(Finding.note(display, 0, "terraform validate did not "
                    + "answer in JSON (exit " + result.exitCode() + ")"));
        }
        List<Finding> out = new ArrayList<>();
        for (JsonNode d : json.path("diagnostics")) {
            String summary = d.path("summary").asText();
            String detail = d.path("detail").asText("");
            if (summary.contains("Missing required provider") || summary.contains("Module not installed")
                    || detail.contains("terraform init")) {
                return List.of(Finding.note(display, 0, "terraform validate not run: " + summary + " (run init)"));
            }
            String file = d.path("range").path("filename").asText("");
            int line = d.path("range").path("start").path("line").asInt(0);
            String message = "terraform validate: " + summary + (detail.isBlank() ? "" : ": " + detail.strip());
            String where = file.isEmpty() ? display : display.isEmpty() || display.equals(".") ? file
                    : display + "/" + file;
            out.add("error".equals(d.path("severity").asText()) ? Finding.error(where, line, message)
                    : Finding.warning(where, line, message));
        }
        return out;
    }

}
