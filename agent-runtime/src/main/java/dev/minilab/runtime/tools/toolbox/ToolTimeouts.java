package dev.minilab.runtime.tools.toolbox;

import java.time.Duration;
import java.util.Objects;

/**
 * How long each process tool may run before its process tree is killed.
 *
 * @param shell     run_shell (default 60 s)
 * @param terraform run_terraform (default 600 s)
 * @param ansible   run_ansible (default 900 s)
 * @param ssh       run_ssh command (default 60 s)
 * @param web       fetch_webpage (default 20 s)
 */
public record ToolTimeouts(Duration shell, Duration terraform, Duration ansible, Duration ssh, Duration web) {

    public static final ToolTimeouts DEFAULTS = new ToolTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(600),
            Duration.ofSeconds(900), Duration.ofSeconds(60), Duration.ofSeconds(20));

    public ToolTimeouts {
        for (Duration d : new Duration[] {shell, terraform, ansible, ssh, web}) {
            Objects.requireNonNull(d, "timeout");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("tool timeouts must be positive: " + d);
            }
        }
    }
}
