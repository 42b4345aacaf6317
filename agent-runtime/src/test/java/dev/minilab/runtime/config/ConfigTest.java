package dev.minilab.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @Test
    void dotEnvUnderstandsCommentsQuotesAndExport() {
        Map<String, String> values = DotEnv.parse(List.of(
                "# comment",
                "",
                "export REDIS_HOST=redis-broker",
                "OPENAI_API_KEY=\"sk-with # hash\"",
                "LLM_MODEL=gpt-5-mini   # the default",
                "SINGLE='a \"quoted\" value'",
                "MULTI=\"line1\\nline2\""), ".env");

        assertThat(values).containsEntry("REDIS_HOST", "redis-broker")
                .containsEntry("OPENAI_API_KEY", "sk-with # hash")
                .containsEntry("LLM_MODEL", "gpt-5-mini")
                .containsEntry("SINGLE", "a \"quoted\" value")
                .containsEntry("MULTI", "line1\nline2");
    }

    @Test
    void malformedDotEnvLineNamesTheLine() {
        assertThatThrownBy(() -> DotEnv.parse(List.of("OK=1", "this is not a setting"), ".env"))
                .isInstanceOf(ConfigException.class).hasMessageContaining(".env line 2");
    }

    @Test
    void processEnvironmentWinsOverDotEnv(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(".env"), "LLM_MODEL=from-file\nMAX_STEPS=7\n");

        Map<String, String> merged = MiniLabConfig.load(Map.of("LLM_MODEL", "from-env"), dir);

        assertThat(merged).containsEntry("LLM_MODEL", "from-env").containsEntry("MAX_STEPS", "7");
    }

    @Test
    void defaultsFollowTheDesign(@TempDir Path dir) {
        MiniLabConfig config = MiniLabConfig.from(Map.of(), dir);

        assertThat(config.redisUri()).isEqualTo("redis://localhost:6379");
        assertThat(config.apiBase()).isEqualTo("https://api.openai.com/v1");
        assertThat(config.modelFor("DevOps_Builder")).isEqualTo("gpt-5-mini");
        assertThat(config.maxSteps()).isEqualTo(100);
        assertThat(config.historyWindow()).isEqualTo(80);
        assertThat(config.workspace()).isEqualTo(dir.toAbsolutePath().normalize());
    }

    @Test
    void perRoleModelOverridesTheDefault(@TempDir Path dir) {
        MiniLabConfig config = MiniLabConfig.from(Map.of("LLM_MODEL", "base", "LLM_MODEL_QA_TESTER", "small"), dir);

        assertThat(config.modelFor("QA_Tester")).isEqualTo("small");
        assertThat(config.modelFor("Architect_Zero")).isEqualTo("base");
    }

    @Test
    void redisPasswordGoesIntoTheUriButNotIntoTheAddress(@TempDir Path dir) {
        MiniLabConfig config = MiniLabConfig.from(Map.of("REDIS_HOST", "redis-broker", "REDIS_PORT", "6380",
                "REDIS_PASSWORD", "p@ss word"), dir);

        // %20, not '+': a URI's user info is not form-encoded (Lettuce would keep a '+' as a plus)
        assertThat(config.redisUri()).isEqualTo("redis://:p%40ss%20word@redis-broker:6380");
        assertThat(config.redisAddress()).isEqualTo("redis-broker:6380");
    }

    @Test
    void redisUrlWinsOverHostAndPortAndAcceptsTlsAndSentinelForms(@TempDir Path dir) {
        Map<String, String> hostPort = Map.of("REDIS_HOST", "elsewhere", "REDIS_PORT", "7000");
        for (String url : List.of("redis://broker:6379", "rediss://broker.example.net:6380/0",
                "redis-sentinel://s1:26379,s2:26380,s3#minilab", "rediss-sentinel://s1:26379#minilab")) {
            Map<String, String> env = new java.util.HashMap<>(hostPort);
            env.put("REDIS_URL", url);
            assertThat(MiniLabConfig.from(env, dir).redisUri()).as(url).isEqualTo(url);
        }
    }

    @Test
    void aRedisUrlWithoutCredentialsTakesTheAclUserAndPasswordFileWhileItsOwnCredentialsWin(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("devops.password");
        Files.writeString(file, "per role/pw\n");
        MiniLabConfig shared = MiniLabConfig.from(Map.of("REDIS_URL", "rediss://redis.example.net:6380",
                "REDIS_USERNAME", "devops_builder", "REDIS_PASSWORD_FILE", file.toString()), dir);
        assertThat(shared.redisUri()).isEqualTo("rediss://devops_builder:per%20role%2Fpw@redis.example.net:6380");
        assertThat(shared.redisAddress()).isEqualTo("rediss://redis.example.net:6380");

        MiniLabConfig sentinel = MiniLabConfig.from(Map.of("REDIS_URL", "redis-sentinel://s1:26379,s2:26379#minilab",
                "REDIS_PASSWORD", "pw"), dir);
        assertThat(sentinel.redisUri()).isEqualTo("redis-sentinel://:pw@s1:26379,s2:26379#minilab");

        MiniLabConfig own = MiniLabConfig.from(Map.of("REDIS_URL", "redis://url_user:urlpw@broker:6379",
                "REDIS_USERNAME", "devops_builder", "REDIS_PASSWORD", "pw"), dir);
        assertThat(own.redisUri()).isEqualTo("redis://url_user:urlpw@broker:6379");
    }

    @Test
    void aMalformedRedisUrlIsRefusedWithoutShowingItsPassword(@TempDir Path dir) {
        assertThatThrownBy(() -> MiniLabConfig.from(Map.of("REDIS_URL", "memcached://:hunter2secret@broker:11211"),
                dir)).isInstanceOf(ConfigException.class).hasMessageContaining("REDIS_URL=memcached://broker:11211")
                .hasMessageContaining("rediss://").hasMessageNotContaining("hunter2secret");
        assertThatThrownBy(() -> MiniLabConfig.from(Map.of("REDIS_URL", "redis-sentinel://:hunter2secret@s1:26379"),
                dir)).isInstanceOf(ConfigException.class).hasMessageContaining("master name after #")
                .hasMessageNotContaining("hunter2secret");
    }

    @Test
    void failoverWaitDefaultsToSixtySecondsWithSentinelAndTenOtherwise(@TempDir Path dir) {
        assertThat(MiniLabConfig.from(Map.of(), dir).redisFailoverWait()).hasSeconds(10);
        assertThat(MiniLabConfig.from(Map.of("REDIS_URL", "redis-sentinel://s1:26379#m"), dir).redisFailoverWait())
                .hasSeconds(60);
        assertThat(MiniLabConfig.from(Map.of("REDIS_URL", "redis-sentinel://s1:26379#m",
                "REDIS_FAILOVER_WAIT_SECONDS", "90"), dir).redisFailoverWait()).hasSeconds(90);
        assertThatThrownBy(() -> MiniLabConfig.from(Map.of("REDIS_FAILOVER_WAIT_SECONDS", "soon"), dir))
                .hasMessageContaining("REDIS_FAILOVER_WAIT_SECONDS=soon");
    }

    @Test
    void redisAclUserGoesIntoTheUri(@TempDir Path dir) {
        MiniLabConfig config = MiniLabConfig.from(Map.of("REDIS_USERNAME", "devops_builder", "REDIS_PASSWORD", "pw"), dir);

        assertThat(config.redisUri()).isEqualTo("redis://devops_builder:pw@localhost:6379");
        assertThatThrownBy(() -> MiniLabConfig.from(Map.of("REDIS_USERNAME", "qa_tester"), dir))
                .hasMessageContaining("REDIS_USERNAME=qa_tester").hasMessageContaining("REDIS_PASSWORD");
    }

    @Test
    void redisPasswordFileGivesThePasswordAndNeverBothOrAnUnreadableFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("qa.password");
        Files.writeString(file, "s3cret/pw\n");
        MiniLabConfig config = MiniLabConfig.from(Map.of("REDIS_USERNAME", "qa_tester",
                "REDIS_PASSWORD_FILE", file.toString()), dir);

        assertThat(config.redisUri()).isEqualTo("redis://qa_tester:s3cret%2Fpw@localhost:6379");
        assertThatThrownBy(() -> MiniLabConfig.from(Map.of("REDIS_PASSWORD_FILE", file.toString(),
                "REDIS_PASSWORD", "pw"), dir)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("REDIS_PASSWORD_FILE=").hasMessageContaining("REDIS_PASSWORD to be unset");
        assertThatThrownBy(() -> MiniLabConfig.from(Map.of("REDIS_PASSWORD_FILE", dir.resolve("none").toString()),
                dir)).isInstanceOf(ConfigException.class).hasMessageContaining("a readable file");
        Files.writeString(file, "  \n");
        assertThatThrownBy(() -> MiniLabConfig.from(Map.of("REDIS_PASSWORD_FILE", file.toString()), dir))
                .isInstanceOf(ConfigException.class).hasMessageContaining("on one line");
    }

    @Test
    void malformedValuesFailAtStartWithTheVariableName(@TempDir Path dir) {
        assertThatThrownBy(() -> MiniLabConfig.from(Map.of("MAX_STEPS", "lots"), dir))
                .isInstanceOf(ConfigException.class).hasMessage("MAX_STEPS=lots is not valid: expected an integer from 1 to 10000");
        assertThatThrownBy(() -> MiniLabConfig.from(Map.of("REDIS_PORT", "70000"), dir))
                .hasMessageContaining("REDIS_PORT=70000");
        assertThatThrownBy(() -> MiniLabConfig.from(Map.of("OPENAI_API_BASE", "localhost:11434"), dir))
                .hasMessageContaining("OPENAI_API_BASE");
        assertThatThrownBy(() -> MiniLabConfig.from(Map.of("REDIS_URL", "http://x"), dir))
                .hasMessageContaining("REDIS_URL");
    }
}
