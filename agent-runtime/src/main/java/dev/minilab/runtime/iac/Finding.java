package dev.minilab.runtime.iac;

import java.util.Objects;

/**
 * One result of the Terraform checks.
 *
 * @param severity ERROR stops terraform; WARNING and NOTE are reported only
 * @param file     the file, relative to the checked module (or a child module path), or "" when not file-bound
 * @param line     1-based line, 0 when unknown (.tf.json, whole-module findings)
 * @param message  what is wrong and what to do instead
 */
public record Finding(Severity severity, String file, int line, String message) {

    /** How much a finding matters. */
    public enum Severity { ERROR, WARNING, NOTE }

    public Finding {
        Objects.requireNonNull(severity, "severity");
        file = file == null ? "" : file;
        Objects.requireNonNull(message, "message");
    }

    public static Finding error(String file, int line, String message) {
        return new Finding(Severity.ERROR, file, line, message);
    }

    public static Finding warning(String file, int line, String message) {
        return new Finding(Severity.WARNING, file, line, message);
    }

    public static Finding note(String file, int line, String message) {
        return new Finding(Severity.NOTE, file, line, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code main.tf line 12: message}. */
    public String render() {
        String where = file.isEmpty() ? "" : file + (line > 0 ? " line " + line : "") + ": ";
        return where + message;
    }
}
