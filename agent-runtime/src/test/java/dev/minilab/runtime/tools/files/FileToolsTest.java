package dev.minilab.runtime.tools.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import dev.minilab.runtime.tools.toolbox.ToolboxSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileToolsTest {

    @TempDir
    Path workspace;
    Toolbox toolbox;

    @BeforeEach
    void toolbox() {
        toolbox = new Toolbox(ToolboxSettings.fromEnv(workspace, Map.of()), Redactor.none());
    }

    private static ToolResult call(Tool tool, Map<String, ?> args) {
        return tool.execute(ToolArguments.of(args), ToolContext.of("DevOps_Builder"));
    }

    @Test
    void saveFileCreatesParentsAndReadFileReturnsTheContent() {
        ToolResult saved = call(toolbox.saveFile(toolbox.fullAccess()),
                Map.of("path", "generated_iac/config/roles/web/tasks/main.yml", "content", "- name: x\n"));
        ToolResult read = call(toolbox.readFile(toolbox.readOnly()),
                Map.of("path", "generated_iac/config/roles/web/tasks/main.yml"));

        assertThat(saved.status()).isEqualTo(ToolResult.Status.OK);
        assertThat(saved.output()).isEqualTo("saved generated_iac/config/roles/web/tasks/main.yml (10 bytes)");
        assertThat(read.status()).isEqualTo(ToolResult.Status.OK);
        assertThat(read.output()).isEqualTo("- name: x\n");
    }

    @Test
    void appendFileAppendsAndCreates() throws IOException {
        Tool append = toolbox.appendFile(toolbox.fullAccess());
        call(append, Map.of("path", "docs/log.md", "content", "a\n"));
        call(append, Map.of("path", "docs/log.md", "content", "b\n"));

        assertThat(Files.readString(workspace.resolve("docs/log.md"))).isEqualTo("a\nb\n");
    }

    @Test
    void deleteFileRemovesAFileAndReportsAMissingOne() {
        call(toolbox.saveFile(toolbox.fullAccess()), Map.of("path", "tmp/x.txt", "content", "x"));

        ToolResult deleted = call(toolbox.deleteFile(toolbox.fullAccess()), Map.of("path", "tmp/x.txt"));
        ToolResult again = call(toolbox.deleteFile(toolbox.fullAccess()), Map.of("path", "tmp/x.txt"));

        assertThat(deleted.status()).isEqualTo(ToolResult.Status.OK);
        assertThat(workspace.resolve("tmp/x.txt")).doesNotExist();
        assertThat(again.isError()).isTrue();
        assertThat(again.output()).contains("does not exist");
    }

    @Test
    void readFileOnAFolderListsIt() {
        call(toolbox.saveFile(toolbox.fullAccess()), Map.of("path", "docs/a.md", "content", "x"));
        call(toolbox.saveFile(toolbox.fullAccess()), Map.of("path", "docs/sub/b.md", "content", "x"));

        ToolResult listing = call(toolbox.readFile(toolbox.readOnly()), Map.of("path", "docs"));

        assertThat(listing.output()).isEqualTo("a.md\nsub/");
    }

    @Test
    void architectCannotWriteTerraformAndIsToldWhereItMay() {
        ToolResult result = call(toolbox.saveFile(toolbox.docsWriter()),
                Map.of("path", "generated_iac/infra/main.tf", "content", "x"));

        assertThat(result.isError()).isTrue();
        assertThat(result.output()).contains("path refused").contains("only under docs/");
        assertThat(workspace.resolve("generated_iac/infra/main.tf")).doesNotExist();
    }

    @Test
    void missingArgumentIsAnErrorThatNamesTheArgument() {
        ToolResult result = call(toolbox.saveFile(toolbox.fullAccess()), Map.of("path", "docs/a.md"));

        assertThat(result.isError()).isTrue();
        assertThat(result.output()).contains("'content'");
    }

    @Test
    void longFilesAreCutInTheMiddleWithANote() throws IOException {
        Files.createDirectories(workspace.resolve("docs"));
        Files.writeString(workspace.resolve("docs/big.txt"), "A".repeat(20_000) + "B".repeat(20_000));

        ToolResult read = call(toolbox.readFile(toolbox.readOnly()), Map.of("path", "docs/big.txt"));

        assertThat(read.output()).startsWith("AAA").endsWith("BBB").contains("characters cut");
        assertThat(read.output().length()).isLessThan(13_000);
    }

    @Test
    void resultsAreRedacted() throws IOException {
        Toolbox redacting = new Toolbox(ToolboxSettings.fromEnv(workspace, Map.of("API_TOKEN", "canary-123456789")),
                Redactor.fromEnv(Map.of("API_TOKEN", "canary-123456789")));
        Files.createDirectories(workspace.resolve("docs"));
        Files.writeString(workspace.resolve("docs/leak.txt"), "token is canary-123456789");

        ToolResult read = call(redacting.readFile(redacting.readOnly()), Map.of("path", "docs/leak.txt"));

        assertThat(read.output()).isEqualTo("token is [REDACTED:API_TOKEN]");
    }
}
