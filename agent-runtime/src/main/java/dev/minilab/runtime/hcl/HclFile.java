package dev.minilab.runtime.hcl;

import java.nio.file.Path;

/** One parsed configuration file ({@code .tf}, {@code .tf.json}, {@code .tfvars}, {@code .tfvars.json}). */
public record HclFile(Path path, HclBody body) {

    /** The file name, for messages. */
    public String name() {
        return path.getFileName().toString();
    }
}
