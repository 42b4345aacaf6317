package dev.minilab.runtime.tools.terraform;

import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.iac.CheckReport;
import dev.minilab.runtime.iac.ModuleChecks;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code run_terraform} asks before terraform runs: the {@link ModuleChecks} (HCL parse of {@code .tf} and
 * {@code .tf.json}, module sources inside generated_iac/infra, the bpg/proxmox allowlist, secrets in .tf files; for
 * {@code plan} also the live Proxmox inventory and {@code terraform validate}), turned into one refusal message for
 * the model.
 */
public final class ProviderCheck {

    /** The one Proxmox provider MiniLab supports. */
    public static final String ALLOWED_PROXMOX_SOURCE = "bpg/proxmox";

    private static final Logger LOG = LoggerFactory.getLogger(ProviderCheck.class);

    private final ModuleChecks checks;

    public ProviderCheck(ModuleChecks checks) {
        this.checks = Objects.requireNonNull(checks, "checks");
    }

    /** The static checks only (no API, no terraform): parse, module sources, providers, secrets. */
    public static ProviderCheck offline(Path allowedRoot) {
        return new ProviderCheck(ModuleChecks.offline(allowedRoot));
    }

    /**
     * Returns the problem (with the fix) when the module at {@code moduleDir} must not run, empty when it may.
     * Static checks only; kept for callers that have no {@link ModuleChecks}.
     *
     * @param allowedRoot child modules must be inside this folder
     */
    public static Optional<String> problem(Path moduleDir, Path allowedRoot) {
        return offline(allowedRoot).problem(moduleDir, "init", List.of(), Cancellation.create());
    }

    /**
     * Returns why terraform {@code command} must not run in {@code moduleDir}, empty when it may. {@code plan} gets
     * the live checks too (inventory, validate).
     */
    public Optional<String> problem(Path moduleDir, String command, List<String> args, Cancellation cancellation) {
        boolean plan = command.equals("plan");
        CheckReport report = checks.check(new ModuleChecks.Request(moduleDir, args, plan, plan, cancellation));
        if (report.passed()) {
            if (!report.findings().isEmpty()) {
                LOG.info("terraform {} in {}: {}", command, moduleDir.getFileName(), report.render());
            }
            return Optional.empty();
        }
        return Optional.of(report.render());
    }
}
