package dev.minilab.e2e.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Text checks of the Dockerfile, its entry point and .dockerignore: pinned base images, a verified Terraform
 * download, a non-root runtime user, the shipped jars and prompts, and no secrets in the build context.
 */
class DockerfileTest {

    private static final Pattern FROM = Pattern.compile("(?m)^FROM\\s+(\\S+)(?:\\s+AS\\s+(\\S+))?\\s*$");

    private final String dockerfile = RepoFiles.read("Dockerfile");

    @Test
    void everyBaseImageIsPinnedToAnExactTemurin21Tag() {
        Matcher m = FROM.matcher(dockerfile);
        List<String> images = m.results().map(r -> r.group(1)).toList();
        assertThat(images).as("FROM lines").hasSizeGreaterThanOrEqualTo(2);
        assertThat(images).allSatisfy(image -> {
            assertThat(image).contains(":").doesNotEndWith(":latest").doesNotContain("$");
            assertThat(image.substring(image.indexOf(':') + 1)).matches("21\\.\\d+\\.\\d+_\\d+-(jdk|jre)-[a-z]+");
        });
        assertThat(images).anyMatch(i -> i.startsWith("eclipse-temurin:21") && i.contains("-jdk-"));
        assertThat(images.get(images.size() - 1)).as("runtime stage").startsWith("eclipse-temurin:21").contains("-jre-");
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
    }

    @Test
    void buildStageUsesTheWrapperAndRuntimeShipsJarsPromptsAnsibleAndSsh() {
        assertThat(dockerfile).contains("./mvnw -B -DskipTests");
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

    @Test
    void buildContextExcludesSecretsStateAndBuildOutput() {
        List<String> ignored = RepoFiles.read(".dockerignore").lines().map(String::strip).toList();
        assertThat(ignored).contains(".git", ".env", "keys/", "ssh/", "**/target/", "**/terraform.tfstate*",
                "**/.terraform/");
    }
}
