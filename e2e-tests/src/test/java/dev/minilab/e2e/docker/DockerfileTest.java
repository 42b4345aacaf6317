package dev.minilab.e2e.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Text checks of the Dockerfile, its entry point and .dockerignore: pinned default base images (build args), a
 * verified Terraform download by default, a non-root runtime user, the shipped jars and prompts, and no secrets in
 * the build context. The image is built and run for real in container-tests {@code ComposeStackIT}.
 */
class DockerfileTest {

    private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?\\s*$");

    private final String dockerfile = RepoFiles.read("Dockerfile");

    @Test
    void baseImagesAreBuildArgsWhoseDefaultsArePinnedTemurin21Tags() {
        String build = argDefault("BUILD_IMAGE");
        String runtime = argDefault("RUNTIME_IMAGE");
        assertThat(build).startsWith("eclipse-temurin:").contains("-jdk-");
        assertThat(runtime).startsWith("eclipse-temurin:").contains("-jre-");
        for (String image : List.of(build, runtime)) {
            assertThat(image.substring(image.indexOf(':') + 1)).matches("21\\.\\d+\\.\\d+_\\d+-(jdk|jre)-[a-z]+");
        }
        int firstFrom = dockerfile.indexOf("\nFROM ");
        assertThat(dockerfile.indexOf("ARG BUILD_IMAGE=")).as("declared before the first FROM").isLessThan(firstFrom);
        assertThat(dockerfile.indexOf("ARG RUNTIME_IMAGE=")).as("declared before the first FROM").isLessThan(firstFrom);
        List<String> images = FROM.matcher(dockerfile).results().map(r -> r.group(1)).toList();
        assertThat(images).as("FROM lines").hasSizeGreaterThanOrEqualTo(2)
                .allMatch(i -> i.equals("${BUILD_IMAGE}") || i.equals("${RUNTIME_IMAGE}"));
        assertThat(images.get(images.size() - 1)).as("runtime stage").isEqualTo("${RUNTIME_IMAGE}");
    }

    @Test
    void noSyntaxLineMakesTheBuilderDownloadAFrontend() {
        assertThat(dockerfile).doesNotContainPattern("(?m)^#\\s*syntax\\s*=");
        assertThat(dockerfile).as("heredocs would need a newer frontend than the one built in")
                .doesNotContainPattern("<<-?\\s*['\"]?EOF");
    }

    @Test
    void terraformIsAPinnedOfficialReleaseWhoseChecksumIsVerified() {
        assertThat(dockerfile).containsPattern("(?m)^ARG TERRAFORM_VERSION=\\d+\\.\\d+\\.\\d+$");
        assertThat(dockerfile).containsPattern("(?m)^ARG TERRAFORM_SHA256=[0-9a-f]{64}$");
        assertThat(dockerfile).contains("https://releases.hashicorp.com/terraform/${TERRAFORM_VERSION}/");
        assertThat(dockerfile).contains("sha256sum -c -");
        assertThat(dockerfile).contains("if [ -z \"$TERRAFORM_SHA256\" ]");
        int verify = dockerfile.indexOf("sha256sum -c -");
        int unzip = dockerfile.indexOf("unzip -q");
        assertThat(verify).as("checksum verified before unzip").isPositive().isLessThan(unzip);
        assertThat(argDefault("TERRAFORM_SOURCE")).as("users get the verified download by default").isEqualTo("download");
    }

    @Test
    void terraformFromTheBuildContextMustReportThePinnedVersion() {
        assertThat(dockerfile).contains("COPY docker/local-terraform/ /tmp/local-terraform/");
        assertThat(dockerfile).contains("\"Terraform v${TERRAFORM_VERSION}\"");
        assertThat(dockerfile).contains("TERRAFORM_SOURCE=$TERRAFORM_SOURCE is not one of: download, context.");
        assertThat(RepoFiles.root().resolve("docker/local-terraform/README.md")).exists();
        assertThat(RepoFiles.read(".gitignore").lines()).contains("docker/local-terraform/terraform");
    }

    @Test
    void jarsFromTheBuildContextAreOptInAndAMissingOneSaysWhatToRun() {
        assertThat(argDefault("JARS_SOURCE")).isEqualTo("build");
        assertThat(dockerfile).contains("JARS_SOURCE=$JARS_SOURCE is not one of: build, context.");
        assertThat(dockerfile).contains("JARS_SOURCE=context but docker/local-jars/$jar is missing: run ./mvnw");
        assertThat(dockerfile).contains("COPY --from=build /jars/minilab-agent.jar /jars/minilab-console.jar /opt/minilab/");
        assertThat(RepoFiles.root().resolve("docker/local-jars/README.md")).exists();
        assertThat(RepoFiles.read(".gitignore").lines()).contains("docker/local-jars/*.jar");
    }

    @Test
    void buildStageUsesTheWrapperAndRuntimeShipsJarsPromptsAnsibleAndSsh() {
        assertThat(dockerfile).contains("./mvnw -B -Dmaven.test.skip=true");
        assertThat(dockerfile).contains("agents/target/minilab-agent.jar", "console/target/minilab-console.jar");
        assertThat(dockerfile).contains("COPY prompts/ ");
        assertThat(dockerfile).containsPattern("apt-get install[^\\n]*\\n?[^\\n]*ansible openssh-client");
        assertThat(dockerfile).contains("ENTRYPOINT [\"/usr/bin/tini\", \"--\", \"/usr/local/bin/minilab-entrypoint\"]");
    }

    @Test
    void runtimeRunsAsANonRootUser() {
        List<String> users = Pattern.compile("(?m)^USER\\s+(\\S+)").matcher(dockerfile).results()
                .map(r -> r.group(1)).toList();
        assertThat(users).as("USER lines").isNotEmpty();
        assertThat(users.get(users.size() - 1)).isNotIn("root", "0", "0:0");
    }

    @Test
    void entrypointRunsAgentByRoleConsoleKeysAndHealth() {
        String entrypoint = RepoFiles.read("docker/minilab-entrypoint.sh");
        assertThat(entrypoint).startsWith("#!/bin/sh");
        assertThat(entrypoint).contains("agent)", "console)", "keys)", "health)");
        assertThat(entrypoint).contains("AGENT_ROLE is not set");
        assertThat(entrypoint).contains("dev.minilab.agents.KeysMain");
        assertThat(entrypoint).contains("minilab-agent.jar", "minilab-console.jar");
    }

    private String argDefault(String name) {
        Matcher m = Pattern.compile("(?m)^ARG " + name + "=(\\S+)$").matcher(dockerfile);
        assertThat(m.find()).as("ARG " + name + "=<default>").isTrue();
        return m.group(1);
    }

    @Test
    void buildContextExcludesSecretsStateAndBuildOutput() {
        List<String> ignored = RepoFiles.read(".dockerignore").lines().map(String::strip).toList();
        assertThat(ignored).contains(".git", ".env", "keys/", "ssh/", "**/target/", "**/terraform.tfstate*",
                "**/.terraform/");
    }
}
