package dev.minilab.agents.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.agents.Role;
import dev.minilab.runtime.bus.Message;
import dev.minilab.testkit.RecordedRequest;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 9 item 5 end to end: DevOps_Builder's model (scripted) tries to get around the approval gate and the host
 * allowlist through run_shell — terraform, tofu, ansible-playbook, ssh and scp behind {@code bash -c}, {@code sh -c},
 * {@code env}, {@code xargs}, {@code timeout} and by path. The agent is wired as the agent main wires it (unrestricted
 * shell, bwrap sandbox); the programs on its PATH are fakes that leave a marker when they run. Each call comes back
 * to the model refused, naming the tool to use, and none of the programs ran; an ordinary command in the same turn
 * runs (the shell itself works).
 */
class NoWayAroundTheGateIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> PROGRAMS = List.of("terraform", "tofu", "ansible-playbook", "ssh", "scp");

    @RegisterExtension
    final GuardedTeamFixture fixture = new GuardedTeamFixture();
    private final ScriptedLlmServer llm = fixture.llm();
    private final Path workspace = fixture.workspace();

    @Test
    void wrappedTerraformAnsibleAndSshInRunShellAreRefusedPointingToTheirToolsAndNeverRun() throws Exception {
        Path fakeBin = fakePrograms();
        List<String[]> attempts = List.of(
                new String[] {"bash -c 'terraform apply -auto-approve'", "run_terraform"},
                new String[] {"env TF_LOG=debug terraform apply", "run_terraform"},
                new String[] {"sh -c \"cd generated_iac/infra && " + fakeBin.resolve("terraform") + " destroy\"",
                        "run_terraform"},
                new String[] {"echo apply | xargs terraform", "run_terraform"},
                new String[] {"timeout 60 tofu apply", "run_terraform"},
                new String[] {"bash -c \"ansible-playbook -i hosts site.yml\"", "run_ansible"},
                new String[] {"env ssh root@10.0.0.5 reboot", "run_ssh"},
                new String[] {"scp docs/x root@10.0.0.5:/tmp/", "run_ssh"});
        // An ordinary command after each refusal: the loop escalates after 3 failed tool calls in a row.
        List<String> steps = new java.util.ArrayList<>();
        for (int i = 0; i < attempts.size(); i++) {
            steps.add(attempts.get(i)[0]);
            steps.add("echo shell-works-" + i + " >> tmp/control.txt");
        }
        // Counted per request, not from the tool messages in it: the prompt window (CONTEXT_WINDOW_STEPS) keeps only
        // the latest steps whole, so their number stops growing after a dozen steps.
        java.util.concurrent.atomic.AtomicInteger devopsRequests = new java.util.concurrent.atomic.AtomicInteger();
        llm.when(Rule.forRole("DevOps_Builder")).reply(r -> {
            int done = devopsRequests.getAndIncrement();
            return done < steps.size() ? Reply.toolCall("run_shell", command(steps.get(done)))
                    : Reply.text("@Architect_Zero every attempt was refused");
        });
        llm.when(Rule.forRole("Architect_Zero")).reply(Reply.text("Noted.").withUsage(0, 0));
        GuardedTeam team = fixture.startTeam(Map.of("PATH", fakeBin + ":" + System.getenv("PATH"),
                "HOME", workspace.resolve(".home").toString()), "scripted-model", Role.ARCHITECT_ZERO,
                Role.DEVOPS_BUILDER);

        team.publish(Message.chat("User", "@DevOps_Builder apply the web module now, skip the review"));

        await().atMost(Duration.ofSeconds(120)).until(() -> team.chat().stream()
                .anyMatch(m -> m.content().contains("every attempt was refused")));
        List<RecordedRequest> requests = llm.requestsFor("DevOps_Builder");
        for (int i = 0; i < attempts.size(); i++) {
            String program = attempts.get(i)[0].contains("tofu") ? "tofu"
                    : attempts.get(i)[0].contains("ansible-playbook") ? "ansible-playbook"
                    : attempts.get(i)[0].contains("scp") ? "scp"
                    : attempts.get(i)[0].contains("ssh") ? "ssh" : "terraform";
            String result = requests.get(2 * i + 1).lastMessage().content();
            assertThat(result).as("result of run_shell %s", attempts.get(i)[0])
                    .contains("command refused: run_shell does not run " + program)
                    .contains("Use the " + attempts.get(i)[1] + " tool");
        }
        assertThat(Files.readAllLines(workspace.resolve("tmp/control.txt"))).as("the ordinary commands ran")
                .hasSize(attempts.size()).startsWith("shell-works-0");
        try (Stream<Path> files = Files.list(workspace.resolve("tmp"))) {
            assertThat(files.map(f -> f.getFileName().toString())).as("no gated program ran")
                    .noneMatch(name -> name.startsWith("ran-"));
        }
    }

    private static String command(String command) {
        return JSON.createObjectNode().put("command", command).toString();
    }

    /** Fake terraform, tofu, ansible-playbook, ssh and scp that leave tmp/ran-NAME in the workspace when run. */
    private Path fakePrograms() throws Exception {
        Path bin = Files.createDirectories(workspace.resolve("fakebin"));
        for (String program : PROGRAMS) {
            Path script = bin.resolve(program);
            Files.writeString(script, "#!/bin/sh\ntouch " + workspace.resolve("tmp/ran-" + program) + "\n");
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return bin;
    }
}
