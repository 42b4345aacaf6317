package dev.minilab.runtime.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathPolicyTest {

    @TempDir
    Path temp;
    Path workspace;
    PathPolicy full;

    @BeforeEach
    void workspace() throws IOException {
        workspace = Files.createDirectories(temp.resolve("ws"));
        for (Path root : PathPolicy.WORKSPACE_ROOTS) {
            Files.createDirectories(workspace.resolve(root));
        }
        full = PathPolicy.fullAccess(workspace, List.of(Path.of("tmp/bootstrap_id_rsa")));
    }

    @Test
    void relativePathInsideARootResolvesToItsRealPath() throws IOException {
        Path resolved = full.resolveForWrite("generated_iac/config/site.yml");

        assertThat(resolved).isEqualTo(workspace.toRealPath().resolve("generated_iac/config/site.yml"));
    }

    @Test
    void absolutePathInsideTheWorkspaceIsAccepted() throws IOException {
        String absolute = workspace.resolve("docs/plan.md").toString();

        assertThat(full.resolveForRead(absolute)).isEqualTo(workspace.toRealPath().resolve("docs/plan.md"));
    }

    @Test
    void dotDotIsRefusedEvenWhenItWouldStayInside() {
        assertThatThrownBy(() -> full.resolveForRead("docs/../docs/plan.md"))
                .isInstanceOf(PathRefusedException.class).hasMessageContaining("'..'");
        assertThatThrownBy(() -> full.resolveForRead("../outside.txt"))
                .isInstanceOf(PathRefusedException.class).hasMessageContaining("'..'");
    }

    @Test
    void absolutePathOutsideTheWorkspaceIsRefused() {
        assertThatThrownBy(() -> full.resolveForRead("/etc/passwd"))
                .isInstanceOf(PathRefusedException.class)
                .hasMessageContaining("outside the allowed folders")
                .hasMessageContaining("docs/");
    }

    @Test
    void siblingFolderSharingARootsPrefixIsRefused() throws IOException {
        Files.createDirectories(workspace.resolve("docs2"));

        assertThatThrownBy(() -> full.resolveForWrite("docs2/evil.md"))
                .isInstanceOf(PathRefusedException.class).hasMessageContaining("outside the allowed folders");
        assertThatThrownBy(() -> full.resolveForWrite(workspace + "/docs2/evil.md"))
                .isInstanceOf(PathRefusedException.class);
    }

    @Test
    void symlinkPointingOutOfTheRootsIsRefused() throws IOException {
        Path outside = Files.writeString(temp.resolve("secret.txt"), "s3cret");
        Files.createSymbolicLink(workspace.resolve("docs/link.txt"), outside);
        Files.createSymbolicLink(workspace.resolve("docs/outdir"), temp);

        assertThatThrownBy(() -> full.resolveForRead("docs/link.txt"))
                .isInstanceOf(PathRefusedException.class).hasMessageContaining("symlink");
        assertThatThrownBy(() -> full.resolveForWrite("docs/outdir/new.txt"))
                .isInstanceOf(PathRefusedException.class).hasMessageContaining("symlink");
    }

    @Test
    void symlinkStayingInsideTheRootsIsFollowed() throws IOException {
        Files.writeString(workspace.resolve("tmp/real.txt"), "x");
        Files.createSymbolicLink(workspace.resolve("docs/alias.txt"), workspace.resolve("tmp/real.txt"));

        assertThat(full.resolveForRead("docs/alias.txt")).isEqualTo(workspace.toRealPath().resolve("tmp/real.txt"));
    }

    @Test
    void danglingSymlinkIsRefusedForWrites() throws IOException {
        Files.createSymbolicLink(workspace.resolve("docs/dangling.txt"), temp.resolve("would-be-created.txt"));

        assertThatThrownBy(() -> full.resolveForWrite("docs/dangling.txt"))
                .isInstanceOf(PathRefusedException.class).hasMessageContaining("symlink");
    }

    @Test
    void architectWritesOnlyUnderDocsButReadsEveryRoot() {
        PathPolicy architect = PathPolicy.docsWriter(workspace, List.of());

        assertThat(architect.resolveForWrite("docs/plan.md")).isNotNull();
        assertThat(architect.resolveForRead("generated_iac/infra/main.tf")).isNotNull();
        assertThatThrownBy(() -> architect.resolveForWrite("generated_iac/infra/main.tf"))
                .isInstanceOf(PathRefusedException.class).hasMessageContaining("only under docs/");
    }

    @Test
    void readOnlyPolicyRefusesEveryWrite() {
        PathPolicy reader = PathPolicy.readOnly(workspace, List.of());

        assertThatThrownBy(() -> reader.resolveForWrite("docs/plan.md"))
                .isInstanceOf(PathRefusedException.class).hasMessageContaining("may not write");
        assertThat(reader.resolveForRead("docs/plan.md")).isNotNull();
    }

    @Test
    void keyFileAndDotEnvAreRefusedEvenInsideARoot() throws IOException {
        Files.writeString(workspace.resolve("tmp/bootstrap_id_rsa"), "key");
        Files.writeString(workspace.resolve("docs/.env"), "A=b");

        assertThatThrownBy(() -> full.resolveForRead("tmp/bootstrap_id_rsa"))
                .isInstanceOf(PathRefusedException.class).hasMessageContaining("protected file");
        assertThatThrownBy(() -> full.resolveForRead("docs/.env"))
                .isInstanceOf(PathRefusedException.class).hasMessageContaining("protected file");
    }

    @Test
    void writingARootFolderItselfIsRefused() {
        assertThatThrownBy(() -> full.resolveForWrite("docs"))
                .isInstanceOf(PathRefusedException.class).hasMessageContaining("root folder");
    }

    @Test
    void rootsThatDoNotExistYetStillWork() throws IOException {
        Path fresh = Files.createDirectories(temp.resolve("fresh"));
        PathPolicy policy = PathPolicy.fullAccess(fresh, List.of());

        assertThat(policy.resolveForWrite("tmp/new/file.txt")).isEqualTo(fresh.toRealPath().resolve("tmp/new/file.txt"));
    }
}
