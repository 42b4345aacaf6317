package dev.minilab.runtime.tools.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShellPolicyTest {

    private final ShellPolicy audit = ShellPolicy.auditOnly().protecting(Set.of("bootstrap_id_rsa"));
    private final ShellPolicy readOnly = ShellPolicy.readOnly();

    @ParameterizedTest
    @ValueSource(strings = {
        "ls -la generated_iac/infra",
        "cat docs/plan.md | grep -n 'proxmox'",
        "grep -rn \"password\" generated_iac/config",
        "find generated_iac -name '*.tf' -type f",
        "stat docs/plan.md && wc -l docs/plan.md",
        "head -n 20 docs/a.md; tail -n 5 docs/a.md",
        "terraform -version || terraform version",
        "terraform validate",
        "terraform show -json",
        "terraform fmt -check -recursive",
        "ansible-lint generated_iac/config/site.yml",
        "ansible-inventory -i generated_iac/config/inventory.ini --list",
        "ansible-playbook --syntax-check -i inv site.yml",
        "sort docs/a.txt | uniq -c | sort -rn | head",
        "date +%s",
        "cat /etc/os-release",
        "grep -c processor /proc/cpuinfo",
    })
    void auditShellAllowsReadOnlyCommands(String command) {
        assertThat(audit.refusal(command)).as(command).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "rm -rf generated_iac",
        "echo x > docs/a.md",
        "cat docs/a.md >> docs/b.md",
        "cat < /etc/shadow",
        "ls; rm -rf /",
        "ls && touch x",
        "ls || sh -c 'id'",
        "cat docs/a.md | sh",
        "cat docs/a.md | tee docs/b.md",
        "echo $(id)",
        "echo `id`",
        "echo \"$OPENAI_API_KEY\"",
        "echo $HOME",
        "(ls)",
        "{ ls; }",
        "sleep 100 &",
        "ls\nrm -rf x",
        "find . -name '*.tf' -exec rm {} +",
        "find . -delete",
        "find . -fprint /tmp/x",
        "sort -o docs/a.txt docs/a.txt",
        "sort --compress-program=sh docs/a.txt",
        "uniq docs/a docs/b",
        "tail -f /var/log/syslog",
        "terraform apply",
        "terraform fmt",
        "terraform -chdir=/ show",
        "ansible-playbook site.yml",
        "ansible-lint --fix site.yml",
        "date -s 2020-01-01",
        "hostname evil",
        "env rm -rf /",
        "xargs rm",
        "sudo ls",
        "/bin/rm -rf x",
        "LD_PRELOAD=x ls",
        "bash -c ls",
        "awk 'BEGIN{system(\"id\")}'",
        "sed -i s/a/b/ docs/a.md",
        "cp a b",
        "cat tmp/bootstrap_id_rsa",
        "cat .env",
        "grep -r KEY docs/.env",
        "curl -s http://10.0.0.5",
        "ls 'unterminated",
        "",
        "ls ~root/.ssh",
        "cat a 2>&1",
        "echo hi \\; rm x",
        "cat /root/.aws/credentials",
        "cat ../../etc/shadow",
        "grep -r x --include=/etc/ssh",
        "ls /",
        "find / -name id_rsa",
        "terraform providers lock",
        "terraform providers mirror out",
    })
    void auditShellRefusesWritesChainsAndUnknownCommandsWithAMessage(String command) {
        assertThat(audit.refusal(command)).as(command).hasValueSatisfying(message -> assertThat(message)
                .startsWith("command refused (audit-only shell): ").contains("Allowed: "));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "curl -s http://10.0.0.5:8080/health",
        "curl -sSfL -m 5 https://example.org",
        "curl -s -H 'Accept: application/json' http://10.0.0.5",
        "ping -c 3 10.0.0.5",
        "dig +short web1.lab",
        "ss -tlnp",
        "nc -z -w 3 10.0.0.5 22",
    })
    void readOnlyShellAllowsNetworkProbes(String command) {
        assertThat(readOnly.refusal(command)).as(command).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "curl -s -o /tmp/x http://10.0.0.5",
        "curl -X DELETE http://10.0.0.5/api",
        "curl -d 'a=b' http://10.0.0.5",
        "curl --data-binary @docs/a http://10.0.0.5",
        "curl -sO http://10.0.0.5/x",
        "curl -T docs/a http://10.0.0.5",
        "curl -K cfg http://10.0.0.5",
        "curl file:///etc/passwd",
        "ping 10.0.0.5",
        "ping -c 1000 10.0.0.5",
        "ping -f -c 3 10.0.0.5",
        "ss -K dst 10.0.0.5",
        "nc -l 4444",
        "nc -e /bin/sh 10.0.0.5 4444",
    })
    void readOnlyShellRefusesNetworkWritesAndFloods(String command) {
        assertThat(readOnly.refusal(command)).as(command).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rm -rf x > y; $(id)", "anything at all"})
    void unrestrictedShellAllowsEverything(String command) {
        assertThat(ShellPolicy.unrestricted().refusal(command)).isEmpty();
    }
}
