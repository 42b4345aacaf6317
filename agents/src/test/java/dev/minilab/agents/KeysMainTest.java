package dev.minilab.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysMainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return KeysMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void createsKeysForFourRolesAndTheUserThenKeepsThemOnTheSecondRun(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys");

        assertThat(run(keys.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("created", "DevOps_Builder.pem", "User.pub");
        try (var files = Files.list(keys.resolve("public"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("Architect_Zero.pub",
                    "DevOps_Builder.pub", "Security_Sentinel.pub", "QA_Tester.pub", "User.pub");
        }
        String before = Files.readString(keys.resolve("private/QA_Tester/QA_Tester.pem"));

        out.reset();
        assertThat(run(keys.toString())).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).doesNotContain("created").contains("kept");
        assertThat(Files.readString(keys.resolve("private/QA_Tester/QA_Tester.pem"))).isEqualTo(before);
    }

    @Test
    void writesOwnerOnlyRedisAclUsersThatKeepTheirPasswords(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys");

        assertThat(run(keys.toString())).isZero();
        Path acl = keys.resolve("redis/users.acl");
        String password = Files.readString(keys.resolve("redis/DevOps_Builder.password")).strip();
        List<String> lines = Files.readAllLines(acl);

        assertThat(java.nio.file.Files.getPosixFilePermissions(keys.resolve("redis/DevOps_Builder.password")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(java.nio.file.Files.getPosixFilePermissions(acl))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(lines).allMatch(l -> l.startsWith("user ")).anyMatch(l -> l.startsWith("user default off"));
        assertThat(lines).filteredOn(l -> l.startsWith("user ") && !l.startsWith("user default")
                        && !l.startsWith("user minilab_acl_loader "))
                .extracting(l -> l.split(" ")[1])
                .containsExactlyInAnyOrder("architect_zero", "devops_builder", "security_sentinel", "qa_tester", "user");
        assertThat(String.join("\n", lines)).doesNotContain(password).contains("~chat_history").contains("&agent_channel");
        assertThat(lines).filteredOn(l -> l.startsWith("user user ")).allMatch(l -> l.contains("+del"));
        assertThat(lines).filteredOn(l -> l.startsWith("user devops_builder ")).noneMatch(l -> l.contains("+del"));

        assertThat(run(keys.toString())).isZero();
        assertThat(Files.readString(keys.resolve("redis/DevOps_Builder.password")).strip()).isEqualTo(password);
    }

    @Test
    void eachTeamGetsItsOwnPasswordsAndUsersAndTheAclFileHoldsEveryTeam(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys");

        assertThat(KeysMain.run(new String[] {keys.toString()}, dev.minilab.runtime.bus.BusKeys.forTeam("blue"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)))
                .isZero();
        assertThat(KeysMain.run(new String[] {keys.toString()}, dev.minilab.runtime.bus.BusKeys.forTeam("red"),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)))
                .isZero();

        String blue = Files.readString(keys.resolve("redis/teams/blue/DevOps_Builder.password")).strip();
        String red = Files.readString(keys.resolve("redis/teams/red/DevOps_Builder.password")).strip();
        assertThat(blue).isNotEqualTo(red);
        assertThat(keys.resolve("redis/teams/blue/prefix")).content().isEqualToIgnoringNewLines("blue:");
        List<String> lines = Files.readAllLines(keys.resolve("redis/users.acl"));
        assertThat(lines).extracting(l -> l.split(" ")[1]).contains("blue.devops_builder", "red.devops_builder",
                "blue.user", "red.user", "minilab_acl_loader").doesNotContain("devops_builder");
        String blueLine = lines.stream().filter(l -> l.startsWith("user blue.devops_builder ")).findFirst().orElseThrow();
        // every key and channel pattern of a blue user is under blue:
        assertThat(blueLine.split(" ")).filteredOn(t -> t.matches("^\\(?(%R)?[~&].*"))
                .allMatch(t -> t.replaceFirst("^\\(?(%R)?[~&]", "").startsWith("blue:"));
        assertThat(lines).filteredOn(l -> l.startsWith("user minilab_acl_loader "))
                .singleElement().asString().contains("-@all", "+acl|load").doesNotContain("~", "&");
    }

    @Test
    void incompletePairExitsOneWithTheFix(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("keys");
        run(keys.toString());
        Files.delete(keys.resolve("private/User/User.pem"));

        assertThat(run(keys.toString())).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("minilab keys: key pair of User is incomplete");
    }
}
