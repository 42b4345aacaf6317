package dev.minilab.provisioning;

import java.nio.file.Files;
import java.nio.file.Path;

/** The checkout the tests run in (for the shipped modules and the launcher). */
public final class TestRepo {

    private TestRepo() {
    }

    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isDirectory(dir.resolve("generated_iac/infra/modules/proxmox-lxc"))
                    && Files.isRegularFile(dir.resolve("minilab"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the MiniLab checkout above " + Path.of("").toAbsolutePath());
    }
}
