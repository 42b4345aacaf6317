package dev.minilab.e2e.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Every host path docker-compose.yml refers to (build context, Dockerfile, env_file, seccomp profile, bind-mount
 * sources) is in a fresh clone: tracked by git, not merely present in this working tree. The only exceptions are
 * the folders created when the stack runs, each listed in {@link #CREATED_AT_RUN_TIME} with who creates it, git-ignored
 * and documented in docs/DOCKER.md ("Paths the compose file uses"). A committed compose file that pointed at a
 * generated, uncommitted file ({@code docker/seccomp-bwrap.json} once) fails here.
 */
class ComposeReferencedPathsTest {

    /** Created when the stack runs, never committed: path → who creates it. */
    static final Map<String, String> CREATED_AT_RUN_TIME = Map.of(
            "keys", "the one-shot keys service (signing keys) on the first docker compose up",
            "ssh", "the user (the SSH key of the managed machines); Docker creates it empty when missing");

    @Test
    void everyPathTheComposeFileUsesIsCommittedOrCreatedAtRunTimeAndDocumented() throws IOException {
        List<ComposePaths.Reference> references = ComposePaths.of(RepoFiles.yaml("docker-compose.yml"));
        assertThat(references).as("the collector finds the compose file's paths")
                .extracting(ComposePaths.Reference::normalized)
                .contains(".", "Dockerfile", "docker/seccomp-bwrap.json", "generated_iac", "prompts", "keys/public",
                        "ssh", "observability/prometheus.yml");

        List<String> problems = new ArrayList<>();
        for (ComposePaths.Reference ref : references) {
            assertThat(ref.relative()).as(ref + ": absolute host paths are not portable").isTrue();
            Optional<String> runtime = createdAtRunTime(ref.normalized());
            if (runtime.isPresent()) {
                continue;
            }
            Path file = RepoFiles.root().resolve(ref.normalized()).normalize();
            if (!Files.exists(file)) {
                problems.add(ref.where() + " → " + ref.path() + ": missing");
            } else if (!committed(ref.normalized())) {
                problems.add(ref.where() + " → " + ref.path() + ": present here but not tracked by git (a fresh "
                        + "clone lacks it)");
            }
        }
        assertThat(problems).as("paths in docker-compose.yml that a fresh clone lacks; commit them, or if they are "
                + "created at run time list them in CREATED_AT_RUN_TIME, .gitignore and docs/DOCKER.md").isEmpty();
    }

    @Test
    void pathsCreatedAtRunTimeAreUsedGitIgnoredAndDocumented() {
        List<String> used = ComposePaths.of(RepoFiles.yaml("docker-compose.yml")).stream()
                .map(ComposePaths.Reference::normalized).toList();
        String gitignore = RepoFiles.read(".gitignore");
        String docs = RepoFiles.read("docs/DOCKER.md");
        CREATED_AT_RUN_TIME.keySet().forEach(path -> {
            assertThat(used).as(path + " is still used by the compose file").contains(path);
            assertThat(gitignore.lines().map(String::strip)).as(".gitignore ignores " + path)
                    .containsAnyOf(path + "/", "/" + path + "/", path);
            assertThat(docs).as("docs/DOCKER.md lists ./" + path + " among the paths created at run time")
                    .contains("| `./" + path + "/` | created at run time");
        });
    }

    @Test
    void theCollectorFindsEveryKindOfPathAndTheCheckReportsAMissingOne() {
        Object tree = new Yaml().load("""
                services:
                  one:
                    build: {context: ./sub, dockerfile: Containerfile}
                    env_file: [./one.env, {path: ./two.env}]
                    security_opt: ["seccomp=${PROFILE:-./docker/missing-profile.json}", "no-new-privileges:true"]
                    volumes: ["./data:/data:ro", "named:/x", {type: bind, source: ./long, target: /l}]
                  two:
                    build: .
                    env_file: ./three.env
                secrets:
                  token: {file: ./token.txt}
                """);
        List<String> found = ComposePaths.of(new ObjectMapper().valueToTree(tree)).stream()
                .map(r -> r.where() + "=" + r.normalized()).toList();

        assertThat(found).containsExactlyInAnyOrder("one.build.context=sub", "one.build.dockerfile=sub/Containerfile",
                "one.env_file=one.env", "one.env_file=two.env", "one.security_opt=docker/missing-profile.json",
                "one.volumes=data", "one.volumes=long", "two.build=.", "two.env_file=three.env",
                "secrets.token=token.txt");
        assertThat(Files.exists(RepoFiles.root().resolve("docker/missing-profile.json"))).isFalse();
        assertThat(committed("docker/missing-profile.json")).isFalse();
        assertThat(committed("docker-compose.yml")).isTrue();
    }

    private static Optional<String> createdAtRunTime(String path) {
        return CREATED_AT_RUN_TIME.entrySet().stream()
                .filter(e -> path.equals(e.getKey()) || path.startsWith(e.getKey() + "/"))
                .map(Map.Entry::getValue).findFirst();
    }

    /**
     * True when git tracks {@code path} (a file, or a folder with a tracked file in it). Outside a git checkout (a
     * source archive) every present path counts as committed.
     */
    static boolean committed(String path) {
        Path root = RepoFiles.root();
        if (!Files.exists(root.resolve(".git"))) {
            return Files.exists(root.resolve(path));
        }
        try {
            Process git = new ProcessBuilder("git", "-C", root.toString(), "ls-files", "--", path)
                    .redirectErrorStream(true).start();
            String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!git.waitFor(60, TimeUnit.SECONDS) || git.exitValue() != 0) {
                throw new IllegalStateException("git ls-files " + path + " failed: " + out);
            }
            return !out.isBlank();
        } catch (IOException e) {
            throw new IllegalStateException("git is needed to tell committed files from local ones", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
