package dev.minilab.runtime.iac;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What the checks found in one module (and the local modules it calls). {@link #passed()} when there is no ERROR.
 *
 * @param findings every finding, errors first
 * @param checked  what was checked, one short phrase each (e.g. "providers", "live inventory"), for the summary
 */
public record CheckReport(List<Finding> findings, List<String> checked) {

    public CheckReport {
        findings = findings.stream().sorted(java.util.Comparator.comparing(Finding::severity)).toList();
        checked = List.copyOf(checked);
    }

    public boolean passed() {
        return findings.stream().noneMatch(Finding::isError);
    }

    public List<Finding> errors() {
        return findings.stream().filter(Finding::isError).toList();
    }

    /** A block of text for a model or a person: the errors (with fixes), then warnings and notes. */
    public String render() {
        if (findings.isEmpty()) {
            return "checks passed (" + String.join(", ", checked) + ")";
        }
        String errors = errors().stream().map(f -> "- " + f.render()).collect(Collectors.joining("\n"));
        String others = findings.stream().filter(f -> !f.isError())
                .map(f -> "- " + f.severity().name().toLowerCase(java.util.Locale.ROOT) + ": " + f.render())
                .collect(Collectors.joining("\n"));
        StringBuilder out = new StringBuilder();
        if (!errors.isEmpty()) {
            out.append(errors().size()).append(errors().size() == 1 ? " problem" : " problems")
                    .append(" found by MiniLab's checks (").append(String.join(", ", checked)).append("):\n")
                    .append(errors);
        } else {
            out.append("checks passed (").append(String.join(", ", checked)).append(")");
        }
        if (!others.isEmpty()) {
            out.append('\n').append(others);
        }
        return out.toString();
    }
}
