package dev.minilab.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TempWorkspaceTest {

    @Test
    void createsTheStandardFoldersAndDeletesEverythingOnClose() throws Exception {
        Path root;
        try (TempWorkspace workspace = TempWorkspace.create()) {
            root = workspace.root();
            assertThat(workspace.infra()).isDirectory().isEqualTo(root.resolve("generated_iac/infra"));
            assertThat(workspace.config()).isDirectory().isEqualTo(root.resolve("generated_iac/config"));
            assertThat(workspace.docs()).isDirectory();
            assertThat(workspace.tmp()).isDirectory();
            assertThat(workspace.prompts()).isDirectory();

            Path file = workspace.write("docs/deep/plan.md", "# Plan");
            assertThat(file).hasContent("# Plan");
            Files.createSymbolicLink(workspace.resolve("link"), Path.of("/etc"));
        }
        assertThat(root).doesNotExist();
        assertThat(Path.of("/etc")).isDirectory();
    }
}
