package dev.minilab.e2e.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seccomp profile the tool-running agents get in docker-compose.yml: {@code docker/seccomp-bwrap.json} is
 * committed, is exactly what {@code docker/seccomp-bwrap.py} writes from the committed copy of Docker's default
 * profile ({@code docker/seccomp-base/}), allows a process without capabilities exactly what Docker's default allows
 * plus the five syscalls bubblewrap needs, and still refuses the dangerous ones. That podman really applies it and
 * the tools run in bubblewrap under it: container-tests {@code ComposeStackIT}.
 */
class SeccompProfileTest {

    static final String PROFILE = "docker/seccomp-bwrap.json";
    static final String BASE = "docker/seccomp-base/docker-default.json";
    private static final String GENERATOR = "docker/seccomp-bwrap.py";
    /** What bubblewrap needs on top of Docker's default (docs/TOOLS.md, "Isolation in containers", row 7). */
    private static final Set<String> FOR_BWRAP = Set.of("clone", "unshare", "mount", "umount2", "pivot_root");
    /** Refused by Docker's default to a container without capabilities; must stay refused. */
    private static final List<String> DANGEROUS = List.of("kexec_load", "kexec_file_load", "init_module",
            "finit_module", "delete_module", "create_module", "bpf", "open_by_handle_at", "setns", "keyctl", "add_key",
            "request_key", "reboot", "swapon", "swapoff", "perf_event_open", "userfaultfd", "lookup_dcookie",
            "quotactl", "acct", "settimeofday", "clock_settime", "iopl", "ioperm", "syslog", "uselib", "vm86",
            "fsopen", "fsmount", "move_mount", "open_tree", "mount_setattr", "clone3");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theCommittedProfileIsExactlyWhatTheGeneratorWritesFromTheCommittedBase(@TempDir Path tmp) throws Exception {
        Path root = RepoFiles.root();
        Path out = tmp.resolve("seccomp-bwrap.json");
        Process python = new ProcessBuilder("python3", root.resolve(GENERATOR).toString(),
                root.resolve(BASE).toString(), out.toString()).redirectErrorStream(true).start();
        String said = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(60, TimeUnit.SECONDS)).as("generator finished").isTrue();
        assertThat(python.exitValue()).as("python3 %s: %s", GENERATOR, said).isZero();

        assertThat(root.resolve(PROFILE)).as(PROFILE + " is committed").isRegularFile();
        assertThat(Files.readString(root.resolve(PROFILE)))
                .as("%s is what `python3 %s` writes (regenerate it and commit)", PROFILE, GENERATOR)
                .isEqualTo(Files.readString(out));
    }

    @Test
    void theBaseIsTheUnmodifiedUpstreamFileItsReadmeNames() throws IOException, NoSuchAlgorithmException {
        Matcher pinned = Pattern.compile("\\| sha256 \\| `([0-9a-f]{64})` \\|")
                .matcher(RepoFiles.read("docker/seccomp-base/README.md"));
        assertThat(pinned.find()).as("docker/seccomp-base/README.md names the sha256 of the base").isTrue();
        byte[] base = Files.readAllBytes(RepoFiles.root().resolve(BASE));
        assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(base)))
                .as(BASE + " (change the README with the file)").isEqualTo(pinned.group(1));
        assertThat(RepoFiles.read("docker/seccomp-base/LICENSE")).contains("Apache License");
    }

    @Test
    void aProcessWithoutCapabilitiesMayDoWhatDockersDefaultAllowsPlusExactlyWhatBubblewrapNeeds() throws IOException {
        JsonNode profile = JSON.readTree(RepoFiles.root().resolve(PROFILE).toFile());
        JsonNode base = JSON.readTree(RepoFiles.root().resolve(BASE).toFile());
        Map<String, String> allowed = allowedWithoutCapabilities(profile);
        Map<String, String> before = allowedWithoutCapabilities(base);

        Map<String, String> expected = new TreeMap<>(before);
        FOR_BWRAP.forEach(name -> expected.put(name, "always"));
        assertThat(allowed).isEqualTo(expected);
        FOR_BWRAP.forEach(name -> assertThat(before.get(name)).as(name + " without CAP_SYS_ADMIN in Docker's default")
                .isNotEqualTo("always"));
        assertThat(profile.path("defaultAction").asText()).isEqualTo(base.path("defaultAction").asText())
                .isEqualTo("SCMP_ACT_ERRNO");
    }

    @Test
    void theDangerousSyscallsStayRefused() throws IOException {
        Map<String, String> allowed = allowedWithoutCapabilities(JSON.readTree(RepoFiles.root().resolve(PROFILE).toFile()));

        for (String name : DANGEROUS) {
            assertThat(allowed).as(name + " must not be allowed without a capability").doesNotContainKey(name);
        }
        assertThat(allowed).as("the check itself sees allowed syscalls").containsEntry("read", "always")
                .containsEntry("unshare", "always");
    }

    @Test
    void composeGivesTheProfileAndAnUnmaskedProcToTheThreeAgentsThatRunTools() {
        JsonNode services = RepoFiles.yaml("docker-compose.yml").path("services");
        for (String agent : List.of("agent-devops", "agent-security", "agent-qa")) {
            List<String> opts = RepoFiles.texts(services.path(agent).path("security_opt")).stream()
                    .map(RepoFiles::withDefaults).toList();
            assertThat(opts).as(agent).containsExactlyInAnyOrder("seccomp=./" + PROFILE, "systempaths=unconfined");
        }
        assertThat(services.path("agent-architect").has("security_opt")).as("Architect_Zero runs no tool process")
                .isFalse();
    }

    /**
     * Syscall name → {@code always} or {@code with arguments}, for what an amd64 process holding no capability may
     * call under {@code profile} (Docker's profile format: rules limited by {@code includes.caps} need a capability
     * the agents do not have; rules with {@code args} allow only some argument values).
     */
    static Map<String, String> allowedWithoutCapabilities(JsonNode profile) {
        Map<String, String> allowed = new TreeMap<>();
        for (JsonNode rule : profile.path("syscalls")) {
            JsonNode includes = rule.path("includes");
            boolean needsCapability = includes.path("caps").size() > 0;
            boolean otherArch = includes.path("arches").size() > 0 && !contains(includes.path("arches"), "amd64");
            boolean excludedHere = contains(rule.path("excludes").path("arches"), "amd64");
            if (!rule.path("action").asText().equals("SCMP_ACT_ALLOW") || needsCapability || otherArch || excludedHere) {
                continue;
            }
            String how = rule.path("args").size() > 0 ? "with arguments" : "always";
            rule.path("names").forEach(name -> allowed.merge(name.asText(), how,
                    (a, b) -> a.equals("always") || b.equals("always") ? "always" : a));
        }
        return allowed;
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode item : array) {
            if (item.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }
}
