package dev.minilab.runtime.loop;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The vocabulary-free estimate against the real o200k tokenizer (jtokkit, test scope only): the error bound that
 * {@link TokenEstimator}'s class comment states.
 */
class TokenEstimatorTest {

    private static final Encoding O200K = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

    @Test
    void theEstimateIsWithinAFewTensOfPercentOfTheRealCountOnEveryKindOfText() throws IOException {
        Map<String, String> samples = samples();
        StringBuilder report = new StringBuilder();
        for (Map.Entry<String, String> sample : samples.entrySet()) {
            int real = O200K.countTokensOrdinary(sample.getValue());
            int estimate = TokenEstimator.estimate(sample.getValue());
            double ratio = (double) estimate / real;
            report.append(String.format("%-16s real %6d estimate %6d ratio %.2f%n", sample.getKey(), real, estimate,
                    ratio));
            assertThat(ratio).as("%s: estimate %d, real %d", sample.getKey(), estimate, real).isBetween(0.85, 1.4);
        }
        System.out.print(report);
    }

    @Test
    void aWholeRequestOfProseAndCodeIsNeverUnderestimated() throws IOException {
        Map<String, String> samples = samples();
        String mixed = String.join("\n", samples.get("prose.md"), samples.get("code.java"), samples.get("variables.tf"),
                samples.get("launcher.sh"), samples.get("prompt.md"), samples.get("pom.xml"));

        assertThat(TokenEstimator.estimate(mixed)).isGreaterThanOrEqualTo(O200K.countTokensOrdinary(mixed));
    }

    @Test
    void theEstimateNeverExceedsTheUtf8Bytes() throws IOException {
        for (String text : samples().values()) {
            assertThat((long) TokenEstimator.estimate(text)).isLessThanOrEqualTo(TokenEstimator.utf8Bytes(text));
        }
    }

    private static Map<String, String> samples() throws IOException {
        Map<String, String> samples = new LinkedHashMap<>();
        for (String name : new String[] {"prose.md", "code.java", "variables.tf", "seccomp.json", "launcher.sh",
                "prompt.md", "pom.xml"}) {
            try (InputStream in = TokenEstimatorTest.class.getResourceAsStream("/token-samples/" + name + ".txt")) {
                samples.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        Random random = new Random(12);
        byte[] bytes = new byte[3000];
        random.nextBytes(bytes);
        samples.put("base64", Base64.getEncoder().encodeToString(bytes));
        samples.put("hex", HexFormat.of().formatHex(bytes));
        StringBuilder uuids = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            uuids.append(new UUID(random.nextLong(), random.nextLong())).append('\n');
        }
        samples.put("uuids", uuids.toString());
        samples.put("japanese", "日本語のテキストです。これはテストの文章で、トークン数を確かめます。".repeat(30));
        samples.put("german", "Die Konfiguration des Clusters wurde erfolgreich überprüft, aber die Speicherklasse "
                + "fehlt noch. ".repeat(30));
        samples.put("accents", "ünïcödé àéîõü ".repeat(100));
        samples.put("emoji", "🚀✅❌🔥".repeat(100));
        samples.put("digits", "1234567890 ".repeat(200));
        samples.put("tool result", ("status: ERROR\nexit_code: 1\nduration_ms: 2311\n---\n"
                + "Error: Invalid reference\n  on main.tf line 12, in resource \"proxmox_lxc\" \"node\":\n"
                + "  12:   hostname = var.host_name\nA reference to a resource type must be followed by at least one "
                + "attribute access, specifying the resource name.\n").repeat(20));
        return samples;
    }
}
