package dev.minilab.runtime.hcl;

import dev.minilab.runtime.MiniLabException;
import java.nio.file.Path;

/** A configuration file that cannot be parsed; the message names the file and, when known, the line. */
public class HclSyntaxException extends MiniLabException {

    private final Path file;

    public HclSyntaxException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
