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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attack corpus against the file tools: every case must be refused with a message, and nothing outside the roots (or
 * any protected file) may be read, created, changed or deleted. The redactor is off, so a leak would show the canary.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SandboxAttackCorpusTest {

    private static final String CANARY = "CANARY-7f3a9c1e-outside";
    private static final String KEY_TEXT = "KEYCANARY-0b1d-private-key";

    @TempDir
    static Path temp;
    Path ws;
    Path outside;
    Toolbox toolbox;
    final List<String> escapes = new ArrayList<>();

    @BeforeAll
    void layout() throws IOException {
        ws = Files.createDirectories(temp.resolve("ws"));
        outside = Files.createDirectories(temp.resolve("outside"));
        for (String root : List.of("generated_iac/infra", "generated_iac/config", "docs", "tmp", "docs2")) {
            Files.createDirectories(ws.resolve(root));
        }
        Files.writeString(outside.resolve("secret.txt"), CANARY);
        Files.writeString(ws.resolve(".env"), "OPENAI_API_KEY=" + CANARY);
        Files.writeString(ws.resolve("docs/.env"), "X=" + CANARY);
        Files.writeString(ws.resolve("docs2/notes.md"), CANARY);
        Files.writeString(ws.resolve("docs/known_hosts"), CANARY);
        Files.writeString(ws.resolve("tmp/bootstrap_id_rsa"), KEY_TEXT);
        Files.createLink(ws.resolve("tmp/keylink"), ws.resolve("tmp/bootstrap_id_rsa"));
        Files.createSymbolicLink(ws.resolve("tmp/keysym"), ws.resolve("tmp/bootstrap_id_rsa"));
        Files.createSymbolicLink(ws.resolve("docs/link-out"), outside.resolve("secret.txt"));
        Files.createSymbolicLink(ws.resolve("docs/dir-out"), outside);
        Files.createSymbolicLink(ws.resolve("docs/parent"), Path.of(".."));
        Files.createSymbolicLink(ws.resolve("docs/up"), Path.of("../.."));
        Files.createSymbolicLink(ws.resolve("docs/dangling"), outside.resolve("created-through-dangling.txt"));
        toolbox = new Toolbox(ToolboxSettings.fromEnv(ws, Map.of()), Redactor.none());
    }

    Stream<Arguments> attacks() {
        String o = outside.toString();
        String w = ws.toString();
        Map<String, String> reads = new LinkedHashMap<>();
        reads.put("parent traversal", "../outside/secret.txt");
        reads.put("deep traversal", "../../../../../../etc/passwd");
        reads.put("traversal after a root", "docs/../../outside/secret.txt");
        reads.put("traversal to workspace .env", "docs/../.env");
        reads.put("traversal inside generated_iac", "generated_iac/../../outside/secret.txt");
        reads.put("absolute system file", "/etc/passwd");
        reads.put("absolute outside file", o + "/secret.txt");
        reads.put("absolute workspace .env", w + "/.env");
        reads.put("relative workspace .env", ".env");
        reads.put(".env inside a root", "docs/.env");
        reads.put("ssh key", "tmp/bootstrap_id_rsa");
        reads.put("ssh key absolute", w + "/tmp/bootstrap_id_rsa");
        reads.put("ssh key via dot segment", "tmp/./bootstrap_id_rsa");
        reads.put("ssh key via double slash", "tmp//bootstrap_id_rsa");
        reads.put("ssh key via hard link", "tmp/keylink");
        reads.put("ssh key via symlink", "tmp/keysym");
        reads.put("known_hosts", "docs/known_hosts");
        reads.put("symlink to outside file", "docs/link-out");
        reads.put("symlink to outside folder", "docs/dir-out/secret.txt");
        reads.put("symlink to parent then .env", "docs/parent/.env");
        reads.put("symlink to parent then docs2", "docs/parent/docs2/notes.md");
        reads.put("symlink two levels up", "docs/up/outside/secret.txt");
        reads.put("docs2 prefix trick", "docs2/notes.md");
        reads.put("docs2 prefix trick absolute", w + "/docs2/notes.md");
        reads.put("workspace prefix trick", w + "2/docs/x.md");
        reads.put("NUL byte before traversal", "docs\u0000/../../outside/secret.txt");
        reads.put("NUL byte in name", "docs/x\u0000.md");
        reads.put("division slash look-alike", "docs\u2215..\u2215..\u2215outside\u2215secret.txt");
        reads.put("fullwidth dots", "docs/\uFF0E\uFF0E/\uFF0E\uFF0E/outside/secret.txt");
        reads.put("fullwidth solidus", "docs\uFF0F..\uFF0F.env");
        reads.put("zero-width space in dots", "docs/.\u200B./.env");
        reads.put("backslash traversal", "docs\\..\\..\\outside\\secret.txt");
        reads.put("home tilde", "~/.ssh/id_rsa");
        reads.put("file url", "file://" + o + "/secret.txt");
        reads.put("url-encoded traversal", "docs/%2e%2e/%2e%2e/outside/secret.txt");
        reads.put("empty path", "");
        reads.put("parent of the roots", "generated_iac");
        reads.put("leading space absolute", " /etc/passwd");
        reads.put("newline injection", "docs/a.md\n/etc/passwd");
        List<Arguments> cases = new ArrayList<>();
        reads.forEach((name, path) -> cases.add(Arguments.of("read: " + name, "read_file", path)));
        Map<String, String> writes = new LinkedHashMap<>();
        writes.put("write through dangling symlink", "docs/dangling");
        writes.put("write into symlinked outside folder", "docs/dir-out/new.txt");
        writes.put("write docs2 prefix", "docs2/evil.md");
        writes.put("write traversal", "../outside/new.txt");
        writes.put("overwrite ssh key", "tmp/bootstrap_id_rsa");
        writes.put("overwrite key via hard link", "tmp/keylink");
        writes.put("write workspace .env", ".env");
        writes.put("write .env via parent symlink", "docs/parent/.env");
        writes.put("write known_hosts", "docs/known_hosts");
        writes.put("write absolute outside", o + "/new.txt");
        writes.forEach((name, path) -> cases.add(Arguments.of(name, "save_file", path)));
        cases.add(Arguments.of("append to the key", "append_file", "tmp/bootstrap_id_rsa"));
        cases.add(Arguments.of("delete the key", "delete_file", "tmp/bootstrap_id_rsa"));
        cases.add(Arguments.of("delete through symlink to outside", "delete_file", "docs/link-out"));
        cases.add(Arguments.of("delete outside file", "delete_file", "../outside/secret.txt"));
        cases.add(Arguments.of("delete a root", "delete_file", "docs"));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void attackIsRefusedWithAMessageAndNothingEscapes(String name, String tool, String path) throws IOException {
        Tool t = switch (tool) {
            case "read_file" -> toolbox.readFile(toolbox.fullAccess());
            case "save_file" -> toolbox.saveFile(toolbox.fullAccess());
            case "append_file" -> toolbox.appendFile(toolbox.fullAccess());
            case "delete_file" -> toolbox.deleteFile(toolbox.fullAccess());
            default -> throw new IllegalArgumentException(tool);
        };

        ToolResult result = t.execute(ToolArguments.of(Map.of("path", path, "content", "PWNED")),
                ToolContext.of("DevOps_Builder"));

        if (!result.isError() || result.output().contains(CANARY) || result.output().contains(KEY_TEXT)) {
            escapes.add(name);
        }
        assertThat(result.isError()).as("refused: %s", name).isTrue();
        // A percent-encoded name is never decoded: it is a literal (missing) file inside docs/, not a traversal.
        String expectedStart = name.contains("url-encoded") ? "'docs/%2e%2e" : "path refused: ";
        assertThat(result.output()).as("message of %s", name).startsWith(expectedStart).hasSizeGreaterThan(40)
                .doesNotContain(CANARY).doesNotContain(KEY_TEXT);
        assertUntouched();
    }

    private void assertUntouched() throws IOException {
        assertThat(Files.readString(outside.resolve("secret.txt"))).isEqualTo(CANARY);
        assertThat(Files.readString(ws.resolve("tmp/bootstrap_id_rsa"))).isEqualTo(KEY_TEXT);
        assertThat(Files.readString(ws.resolve(".env"))).contains(CANARY);
        assertThat(Files.readString(ws.resolve("docs/known_hosts"))).isEqualTo(CANARY);
        assertThat(ws.resolve("docs2/evil.md")).doesNotExist();
        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("secret.txt");
        }
    }

    @AfterAll
    void noEscapes() {
        assertThat(attacks().count()).isGreaterThanOrEqualTo(30);
        assertThat(escapes).as("escapes").isEmpty();
    }
}
