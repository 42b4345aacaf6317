package dev.minilab.runtime.proxmox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sizing table of prompts/sizing.yaml: tiers by users, environment factor and floor, explicit sizes. */
class SizerTest {

    private final Sizer sizer = new Sizer(SizingRules.builtIn());

    @Test
    void webForFiftyUsersInProdIsTheTierTimesOnePointFiveRaisedToTheProdFloor() {
        Sizer.Sized s = sizer.size(Sizer.Request.of("web", "prod", 50));

        // tier <= 50 users: 1 core, 1024 MB, 10 GB; x1.5 = 2 cores (1.5 up), 1536 MB, 15 GB; prod floor 2/2048/20.
        assertThat(s.cores()).isEqualTo(2);
        assertThat(s.memoryMb()).isEqualTo(2048);
        assertThat(s.diskGb()).isEqualTo(20);
        assertThat(s.kind()).isEqualTo("vm");
        assertThat(s.maxUtilisation()).isEqualTo(0.60);
        assertThat(s.justification()).isEqualTo("web for 50 users: tier up to 50 users = 1 core, 1024 MB, 10 GB; "
                + "prod x1.5 = 2 cores, 1536 MB, 15 GB; prod floor 2 cores, 2048 MB, 20 GB = 2 cores, 2048 MB, 20 GB");
    }

    @Test
    void postgresForHundredUsersInProdUsesTheNextTierAndTheFactor() {
        Sizer.Sized s = sizer.size(Sizer.Request.of("PostgreSQL", "production", 100));

        // database tier <= 200: 2 cores, 4096 MB, 50 GB; x1.5 = 3 cores, 6144 MB, 75 GB (above the floor).
        assertThat(s.workload()).isEqualTo("database");
        assertThat(s.environment()).isEqualTo("prod");
        assertThat(s).extracting(Sizer.Sized::cores, Sizer.Sized::memoryMb, Sizer.Sized::diskGb)
                .containsExactly(3, 6144, 75);
        assertThat(s.justification()).doesNotContain("floor");
    }

    @Test
    void devHalvesTheTierButNeverGoesBelowTheDevMinimum() {
        Sizer.Sized s = sizer.size(Sizer.Request.of("web", "dev", 10));

        // 1 core x0.5 = 1 (0.5 rounded up), 1024 x0.5 = 512 MB, 10 x0.5 = 5 GB, raised to the dev floor 8 GB.
        assertThat(s).extracting(Sizer.Sized::cores, Sizer.Sized::memoryMb, Sizer.Sized::diskGb)
                .containsExactly(1, 512, 8);
        assertThat(s.maxUtilisation()).isEqualTo(0.80);
        assertThat(s.justification()).contains("dev floor");
    }

    @Test
    void explicitSizesWinOverTheTableAsTheyAre() {
        Sizer.Sized s = sizer.size(new Sizer.Request("web", "prod", 50, Optional.of(1), Optional.empty(),
                Optional.of(100)));

        assertThat(s).extracting(Sizer.Sized::cores, Sizer.Sized::memoryMb, Sizer.Sized::diskGb)
                .containsExactly(1, 2048, 100);
        assertThat(s.justification()).endsWith("given by the user: cores 1, disk 100 GB = 1 core, 2048 MB, 100 GB");
    }

    @Test
    void usersBeyondTheLastTierGetTheLargestTierAndAScaleOutHint() {
        Sizer.Sized s = sizer.size(Sizer.Request.of("web", "staging", 20_000));

        assertThat(s.cores()).isEqualTo(8);
        assertThat(s.justification()).contains("scale out");
    }

    @Test
    void unknownWorkloadOrEnvironmentNamesTheValidOnes() {
        assertThatThrownBy(() -> sizer.size(Sizer.Request.of("blockchain", "prod", 5)))
                .isInstanceOf(MiniLabException.class)
                .hasMessageContaining("unknown workload 'blockchain'")
                .hasMessageContaining("container-host").hasMessageContaining("load-balancer");
        assertThatThrownBy(() -> sizer.size(Sizer.Request.of("web", "moon", 5)))
                .hasMessageContaining("unknown environment 'moon'").hasMessageContaining("[dev, prod, staging]");
        assertThatThrownBy(() -> sizer.size(Sizer.Request.of("web", "prod", 0)))
                .hasMessageContaining("users must be at least 1");
    }

    @Test
    void everyWorkloadTypeOfTheIssueIsInTheShippedTable() {
        assertThat(SizingRules.builtIn().workloads()).containsKeys("web", "database", "app", "cache", "file", "dev",
                "load-balancer", "monitoring", "container-host");
    }

    @Test
    void theBuiltInRulesAreTheFileUsersEdit() throws Exception {
        Path shipped = Path.of("..", "prompts", "sizing.yaml");

        assertThat(SizingRules.load(shipped).workloads()).isEqualTo(SizingRules.builtIn().workloads());
        assertThat(SizingRules.load(shipped).environments()).isEqualTo(SizingRules.builtIn().environments());
    }

    @Test
    void anEditedFileInThePromptsFolderIsUsedAndItsMistakesNameTheField(@TempDir Path workspace) throws Exception {
        Files.createDirectories(workspace.resolve("prompts"));
        String good = Files.readString(Path.of("..", "prompts", "sizing.yaml"))
                .replace("{max_users: 50, cores: 1, memory_mb: 1024, disk_gb: 10}",
                        "{max_users: 50, cores: 3, memory_mb: 1024, disk_gb: 10}");
        Files.writeString(workspace.resolve("prompts/sizing.yaml"), good);

        SizingRules edited = SizingRules.locate(Map.of(), workspace);

        assertThat(new Sizer(edited).size(Sizer.Request.of("web", "prod", 50)).cores()).isEqualTo(5);
        assertThat(edited.source()).endsWith("sizing.yaml");

        Files.writeString(workspace.resolve("prompts/sizing.yaml"), good.replace("max_utilisation: 0.60",
                "max_utilisation: 60"));
        assertThatThrownBy(() -> SizingRules.locate(Map.of(), workspace))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("environments.prod.max_utilisation must be a fraction");
        assertThatThrownBy(() -> SizingRules.parse(new ByteArrayInputStream("workloads: [".getBytes(
                StandardCharsets.UTF_8)), "x.yaml")).isInstanceOf(ConfigException.class).hasMessageContaining("x.yaml");
        assertThatThrownBy(() -> SizingRules.locate(Map.of("MINILAB_SIZING", "nope.yaml"), workspace))
                .hasMessageContaining("MINILAB_SIZING=nope.yaml");
    }
}
