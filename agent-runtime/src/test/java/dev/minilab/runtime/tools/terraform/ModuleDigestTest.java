package dev.minilab.runtime.tools.terraform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModuleDigestTest {

    @TempDir
    Path infra;
    Path module;

    @BeforeEach
    void module() throws IOException {
        module = Files.createDirectories(infra.resolve("web"));
        Files.writeString(module.resolve("main.tf"), "resource \"terraform_data\" \"x\" {}\n");
        Files.createDirectories(module.resolve(".terraform/providers/registry.terraform.io/bpg/proxmox"));
        Files.writeString(module.resolve(".terraform/providers/registry.terraform.io/bpg/proxmox/provider"), "bin");
    }

    @ParameterizedTest
    @ValueSource(strings = {"main.tf", "extra.tf.json", "prod.tfvars", "auto.auto.tfvars", "scripts/post.sh",
            "templates/cloud-init.yaml.tftpl", ".terraform.lock.hcl",
            ".terraform/providers/registry.terraform.io/bpg/proxmox/provider", ".terraform/modules/registry_vm/main.tf",
            "notes.txt"})
    void everyFileTerraformOrAProvisionerMayReadChangesTheDigest(String file) throws IOException {
        ModuleDigest before = ModuleDigest.of(module);
        Path path = module.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, (Files.exists(path) ? Files.readString(path) : "") + "# changed\n");

        ModuleDigest after = ModuleDigest.of(module);

        assertThat(after.sha256()).isNotEqualTo(before.sha256());
        assertThat(after.changesSince(before, 10)).singleElement().asString().startsWith(file + " (");
    }

    @ParameterizedTest
    @ValueSource(strings = {"terraform.tfstate", "terraform.tfstate.backup", ".terraform.tfstate.lock.info",
            "errored.tfstate", "terraform.tfstate.d/staging/terraform.tfstate"})
    void theStateFilesTerraformWritesItselfAreLeftOut(String file) throws IOException {
        ModuleDigest before = ModuleDigest.of(module);
        Path path = module.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, "{}");

        assertThat(ModuleDigest.of(module)).isEqualTo(before);
    }

    @Test
    void aStateFileNameInASubfolderIsNotLeftOut() throws IOException {
        ModuleDigest before = ModuleDigest.of(module);
        Files.createDirectories(module.resolve("files"));
        Files.writeString(module.resolve("files/terraform.tfstate"), "{}");

        assertThat(ModuleDigest.of(module).sha256()).isNotEqualTo(before.sha256());
    }

    @Test
    void aLocalChildModuleTerraformInstalledIsCoveredThroughModulesJson() throws IOException {
        Path child = Files.createDirectories(infra.resolve("modules/vm"));
        Files.writeString(child.resolve("main.tf"), "variable \"name\" {}\n");
        Files.createDirectories(module.resolve(".terraform/modules"));
        Files.writeString(module.resolve(".terraform/modules/modules.json"), """
                {"Modules":[{"Key":"","Source":"","Dir":"."},
                 {"Key":"vm","Source":"../modules/vm","Dir":"../modules/vm"}]}
                """);
        ModuleDigest before = ModuleDigest.of(module);

        Files.writeString(child.resolve("boot.sh"), "echo hi\n");
        ModuleDigest after = ModuleDigest.of(module);

        assertThat(before.files()).containsKey("../modules/vm/main.tf");
        assertThat(after.changesSince(before, 10)).containsExactly("../modules/vm/boot.sh (added)");
    }

    @Test
    void symlinkedFilesAreReadThroughTheLink() throws IOException {
        Path outside = Files.writeString(infra.resolve("shared.sh"), "echo one\n");
        Files.createSymbolicLink(module.resolve("post.sh"), outside);
        ModuleDigest before = ModuleDigest.of(module);

        Files.writeString(outside, "echo two\n");

        assertThat(ModuleDigest.of(module).changesSince(before, 10)).containsExactly("post.sh (changed)");
    }

    @Test
    void aSymlinkLoopIsRecordedNotFollowedForever() throws IOException {
        Files.createSymbolicLink(module.resolve("loop"), module);

        assertThat(ModuleDigest.of(module).files()).containsEntry("loop", "symlink-loop");
    }

    @Test
    void theDigestIsRecomputedFromItsFileList() {
        ModuleDigest digest = ModuleDigest.of(module);

        assertThat(ModuleDigest.ofFiles(digest.files())).isEqualTo(digest);
    }
}
