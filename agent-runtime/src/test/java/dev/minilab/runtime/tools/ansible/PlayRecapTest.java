package dev.minilab.runtime.tools.ansible;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PlayRecapTest {

    @Test
    void parsesEveryHostLineOfTheLastRecap() {
        String output = """
                PLAY [all] *********************************************************************

                TASK [fail] ********************************************************************
                fatal: [web1]: FAILED! => {"changed": false, "msg": "boom"}

                PLAY RECAP *********************************************************************
                web1                       : ok=2    changed=1    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0
                db.lab                     : ok=3    changed=0    unreachable=1    failed=0    skipped=2    rescued=0    ignored=1
                """;

        PlayRecap recap = PlayRecap.parse(output).orElseThrow();

        assertThat(recap.hosts()).containsOnlyKeys("web1", "db.lab");
        assertThat(recap.failed()).isEqualTo(1);
        assertThat(recap.unreachable()).isEqualTo(1);
        assertThat(recap.ok()).isEqualTo(5);
        assertThat(recap.hasProblems()).isTrue();
        assertThat(recap.summary()).isEqualTo("hosts=2 ok=5 changed=1 failed=1 unreachable=1");
    }

    @Test
    void noRecapWhenNoPlayRan() {
        assertThat(PlayRecap.parse("[WARNING]: No hosts matched, nothing to do")).isEmpty();
    }

    @Test
    void cleanRecapHasNoProblems() {
        PlayRecap recap = PlayRecap.parse("PLAY RECAP ***\nh : ok=1    changed=0    unreachable=0    failed=0\n")
                .orElseThrow();

        assertThat(recap.hasProblems()).isFalse();
    }
}
