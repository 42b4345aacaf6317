package dev.minilab.runtime.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactorTest {

    @Test
    void masksValuesOfSecretNamedVariables() {
        Redactor redactor = Redactor.fromEnv(Map.of("OPENAI_API_KEY", "abc123secretvalue", "REDIS_PASSWORD", "hunter22",
                "PM_TOKEN_SECRET", "11111111-2222-3333-4444-555555555555", "SSH_USER", "root"));

        String out = redactor.redact("key=abc123secretvalue pw=hunter22 tok=11111111-2222-3333-4444-555555555555 user=root");

        assertThat(out).doesNotContain("abc123secretvalue", "hunter22", "11111111-2222")
                .contains("[REDACTED:OPENAI_API_KEY]", "[REDACTED:REDIS_PASSWORD]", "user=root");
    }

    @Test
    void masksThePasswordOfARedisUrlAlsoWhereItAppearsAlone() {
        Redactor redactor = Redactor.fromEnv(Map.of("REDIS_URL",
                "rediss://devops_builder:Tr0ub4dor%2F3x@redis.example.net:6380"));

        String out = redactor.redact("url rediss://devops_builder:Tr0ub4dor%2F3x@redis.example.net:6380 echo "
                + "Tr0ub4dor/3x and Tr0ub4dor%2F3x");

        assertThat(out).doesNotContain("Tr0ub4dor").contains("[REDACTED:REDIS_URL password]")
                .contains("redis.example.net:6380");
        assertThat(Redactor.urlPasswords("redis://broker:6379")).isEmpty();
        assertThat(Redactor.urlPasswords("redis-sentinel://:pw@s1:26379,s2:26379#m")).containsExactly("pw");
    }

    @Test
    void keepsPathsOfKeysButMasksConfiguredExtraNames() {
        Redactor redactor = Redactor.fromEnv(Map.of("SSH_KEY_PATH", "tmp/bootstrap_id_rsa", "DB_CONN", "postgres-conn-xyz"),
                List.of("DB_CONN"));

        assertThat(redactor.redact("key at tmp/bootstrap_id_rsa via postgres-conn-xyz"))
                .isEqualTo("key at tmp/bootstrap_id_rsa via [REDACTED:DB_CONN]");
    }

    @Test
    void masksPemPrivateKeyBlocksAlsoWhenCutOff() {
        Redactor redactor = Redactor.fromEnv(Map.of());
        String pem = "-----BEGIN OPENSSH PRIVATE" + " KEY-----\nb3BlbnNzaC1rZXktdjEAAAA\nAAAA\n-----END OPENSSH PRIVATE" + " KEY-----";

        assertThat(redactor.redact("before\n" + pem + "\nafter")).isEqualTo("before\n[REDACTED:PRIVATE KEY]\nafter");
        assertThat(redactor.redact("x -----BEGIN RSA PRIVATE" + " KEY-----\nMIIEow")).isEqualTo("x [REDACTED:PRIVATE KEY]");
    }

    @Test
    void masksBearerTokensProxmoxHeadersAndUrlPasswords() {
        Redactor redactor = Redactor.fromEnv(Map.of());

        assertThat(redactor.redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def"))
                .isEqualTo("Authorization: Bearer [REDACTED]");
        assertThat(redactor.redact("Authorization: PVEAPIToken=root@pam!tf=1234-5678 next"))
                .isEqualTo("Authorization: PVEAPIToken=[REDACTED] next");
        assertThat(redactor.redact("redis://:p4ssw0rd@localhost:6379")).isEqualTo("redis://:[REDACTED]@localhost:6379");
        assertThat(redactor.redact("key sk-proj-ABCDEFGHIJKLMNOPQRST")).isEqualTo("key [REDACTED:API KEY]");
    }

    @Test
    void masksSecretHalvesAroundACutMarker() {
        Redactor redactor = Redactor.fromEnv(Map.of("API_TOKEN", "tok-ABCDEFGHIJKLMNOP"));

        String out = redactor.redact("head tok-ABCDEFG\n[... 100 bytes cut ...]\nHIJKLMNOP tail");

        assertThat(out).doesNotContain("tok-ABCDEFG").doesNotContain("HIJKLMNOP")
                .contains("head [REDACTED:API_TOKEN]", "[REDACTED:API_TOKEN] tail");
    }

    @Test
    void noneChangesNothing() {
        assertThat(Redactor.none().redact("Bearer abcdefghijkl")).isEqualTo("Bearer abcdefghijkl");
    }

    @Test
    void aShortOrPlainSecretValueIsNotMaskedAndIsNamedForTheStartWarning() {
        // Issue 18 item 10: OPENAI_API_KEY=anything turned "execute anything yourself" into [REDACTED:...].
        Map<String, String> env = Map.of("OPENAI_API_KEY", "anything", "REDIS_PASSWORD", "changeme",
                "PM_TOKEN_SECRET", "9f2c1d7e-5b7a-4c1e-9d2e-1f0a3b4c5d6e", "API_TOKEN", "Sh0rt-but-mixed", "LLM_MODEL", "m");
        Redactor redactor = Redactor.fromEnv(env);

        assertThat(redactor.redact("You never execute anything yourself; changeme later"))
                .isEqualTo("You never execute anything yourself; changeme later");
        assertThat(redactor.redact("token 9f2c1d7e-5b7a-4c1e-9d2e-1f0a3b4c5d6e and Sh0rt-but-mixed"))
                .isEqualTo("token [REDACTED:PM_TOKEN_SECRET] and [REDACTED:API_TOKEN]");
        assertThat(Redactor.tooWeakToMask(env)).containsExactly("OPENAI_API_KEY", "REDIS_PASSWORD");
        assertThat(Redactor.weakSecretWarning(env)).hasValue("OPENAI_API_KEY, REDIS_PASSWORD are too short or plain"
                + " to be masked safely, so they are NOT masked in logs, messages and tool output: use a long random"
                + " value (16+ characters)");
        assertThat(Redactor.weakSecretWarning(Map.of("OPENAI_API_KEY", "sk-proj-abcdefghijklmnop"))).isEmpty();
    }

    @Test
    void maskableNeedsLengthOrMixedCharacters() {
        assertThat(Redactor.maskable("anything")).isFalse();
        assertThat(Redactor.maskable("abc1234")).isFalse();
        assertThat(Redactor.maskable("hunter22")).isTrue();
        assertThat(Redactor.maskable("onlylowercaseletters")).isTrue();
    }

    @Test
    void shortValuesAreNotTreatedAsSecrets() {
        Redactor redactor = Redactor.fromEnv(Map.of("SOME_TOKEN", "ab"));

        assertThat(redactor.redact("tab table")).isEqualTo("tab table");
    }

    @Test
    void masksKeyMaterialPrintedLineByLineButKeepsPublicKeysAndDigests() {
        Redactor redactor = Redactor.fromEnv(Map.of());
        String keyLine = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW";
        String pub = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGe/jHbuXroleeGMUzQ2HgSKgfDExGhuGZRvjWBZLYUx me@host";
        String digest = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

        assertThat(redactor.redact("tmp/key:" + keyLine)).isEqualTo("tmp/key:[REDACTED:BASE64]");
        assertThat(redactor.redact(pub)).isEqualTo(pub);
        assertThat(redactor.redact(digest)).isEqualTo(digest);
        assertThat(redactor.redact("a perfectly ordinary sentence about terraform_data resources"))
                .isEqualTo("a perfectly ordinary sentence about terraform_data resources");
    }

    @Test
    void masksEveryLineOfTheConfiguredKeyFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        java.nio.file.Path key = java.nio.file.Files.writeString(dir.resolve("id"),
                "-----BEGIN OPENSSH PRIVATE" + " KEY-----\nshortish-line-0123456789\n-----END OPENSSH PRIVATE" + " KEY-----\n");

        Redactor redactor = Redactor.fromEnv(Map.of()).withKeyFile(key);

        assertThat(redactor.redact("x shortish-line-0123456789 y")).isEqualTo("x [REDACTED:SSH_KEY] y");
    }

    @Test
    void aTextRedactedBeforeIsRedactedTheSameWayAgain() {
        Redactor redactor = Redactor.fromEnv(Map.of("OPENAI_API_KEY", "abc123secretvalue"));
        String text = "key=abc123secretvalue and Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig";

        String first = redactor.redact(text);
        String second = redactor.redact(new String(text.toCharArray()));

        assertThat(second).isEqualTo(first).doesNotContain("abc123secretvalue").doesNotContain("eyJhbGci");
    }
}
