package dev.minilab.runtime.tools.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.runtime.tools.ssh.HostAllowlist;
import dev.minilab.runtime.tools.web.NetworkTargets;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShellPolicyTest {

    /** Names resolve without DNS: web1.lab is a lab host, rebind.test points at the machine itself. */
    static final NetworkTargets TARGETS = NetworkTargets.fromEnv(Map.of("SSH_ALLOWED_HOSTS", "10.0.0.0/24",
            "WEB_ALLOWED_HOSTS", "web2.lab", "REDIS_HOST", "10.0.0.2", "REDIS_PORT", "6379"),
            HostAllowlist.parse("10.0.0.0/24")).withResolver(ShellPolicyTest::resolve);

    static InetAddress[] resolve(String host) throws UnknownHostException {
        return switch (host) {
            case "web1.lab" -> new InetAddress[] {InetAddress.getByName("10.0.0.7")};
            case "web2.lab" -> new InetAddress[] {InetAddress.getByName("192.168.50.4")};
            case "rebind.test" -> new InetAddress[] {InetAddress.getByName("127.0.0.1")};
            case "mixed.test" -> new InetAddress[] {InetAddress.getByName("93.184.216.34"),
                InetAddress.getByName("10.9.9.9")};
            case "example.org" -> new InetAddress[] {InetAddress.getByName("93.184.216.34")};
            default -> InetAddress.getAllByName(host.matches("[0-9.:a-fA-F]+") ? host : "unresolvable.invalid");
        };
    }

    private final ShellPolicy audit = ShellPolicy.auditOnly().protecting(Set.of("bootstrap_id_rsa"));
    private final ShellPolicy readOnly = ShellPolicy.readOnly().withNetworkTargets(TARGETS);

    @ParameterizedTest
    @ValueSource(strings = {
        "ls -la generated_iac/infra",
        "ls --all --human-readable docs",
        "cat docs/plan.md | grep -n 'proxmox'",
        "grep -rn \"password\" generated_iac/config",
        "grep -rn --include='*.tf' -e provider generated_iac",
        "find generated_iac -name '*.tf' -type f",
        "find generated_iac -maxdepth 2 '(' -name '*.tf' -o -name '*.yml' ')' -print",
        "stat docs/plan.md && wc -l docs/plan.md",
        "head -n 20 docs/a.md; tail -n 5 docs/a.md",
        "head -5 docs/a.md",
        "sort docs/a.txt | uniq -c | sort -rn | head",
        "sort -t, -k2 docs/a.csv",
        "cut -d: -f1 docs/a.txt",
        "diff -u docs/a.md docs/b.md",
        "jq -r .resources docs/state.json",
        "du -sh generated_iac",
        "ps aux",
        "ps -ef",
        "date +%s",
        "date -Iseconds",
        "echo /etc/passwd is not read by echo",
        "cat /etc/os-release",
        "grep -c processor /proc/cpuinfo",
        "sha256sum docs/a.md",
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
        "find . -files0-from x",
        "sort -o docs/a.txt docs/a.txt",
        "sort --compress-program=sh docs/a.txt",
        // issue 15: GNU accepts abbreviations of long options; the allow-list does not
        "sort -S 1 --co=sh docs/a.txt",
        "echo 'touch /tmp/x' | cat - /proc/cpuinfo /proc/cpuinfo | sort -S 1 --co=sh",
        "sort --compress-prog=sh docs/a.txt",
        "sort --o=docs/a.txt docs/a.txt",
        "sort --out docs/a.txt docs/a.txt",
        "sort --random-source=tmp/bootstrap_id_rsa docs/a",
        "sort -T docs docs/a",
        "uniq docs/a docs/b",
        "uniq - docs/b",
        "tail -f /var/log/syslog",
        "tail -F docs/a",
        "tail --follow docs/a",
        "tail --fo docs/a",
        "tail -s 1 docs/a",
        "date -s 2020-01-01",
        "date 010100002020",
        "date -f docs/dates",
        "hostname evil",
        "file -f docs/names",
        "file -m docs/magic docs/a",
        "file -C -m docs/magic",
        "file -z docs/a.gz",
        "grep -f docs/patterns docs/a",
        "wc --files0-from=docs/list",
        "du --files0-from=docs/list",
        "du -X docs/list docs",
        "jq -f docs/prog.jq docs/a.json",
        "jq --rawfile k tmp/k '.' docs/a.json",
        "sha256sum -c docs/sums",
        "ls --colo=never",
        "ls --dired",
        "ps axeww",
        "ps e",
        "ss -D docs/dump",
        "env rm -rf /",
        "xargs rm",
        "sudo ls",
        "/bin/rm -rf x",
        "/bin/cat docs/a",
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
        "ls /",
        "find / -name id_rsa",
        "ansible-inventory -i x --list",
        "ansible-inventory --out=docs/x --list",
        "ansible-lint site.yml",
        "c?t docs/a",
    })
    void auditShellRefusesWritesChainsAndUnknownCommandsWithAMessage(String command) {
        assertThat(audit.refusal(command)).as(command).hasValueSatisfying(message -> assertThat(message)
                .startsWith("command refused (audit-only shell): ").contains("Allowed: "));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "terraform apply",
        "terraform show",
        "tofu apply",
        "bash -c 'terraform apply'",
        "sh -c \"terraform apply -auto-approve\"",
        "bash --norc -c 'cd x && terraform apply'",
        "env TF_LOG=1 terraform plan",
        "env -i terraform plan",
        "/usr/local/bin/terraform show",
        "./terraform apply",
        "te'rr'aform apply",
        "te\\rraform apply",
        "A=1 B=2 terraform apply",
        "cd generated_iac/infra && terraform init",
        "ls; terraform apply",
        "ls | xargs terraform",
        "echo x | xargs -n 1 ssh",
        "sudo -u root ssh host",
        "timeout 5 scp a host:",
        "nohup ansible all -m ping &",
        "ansible-playbook --syntax-check site.yml",
        "find . -name x -exec terraform apply \\;",
        "$(which terraform) apply",
        "echo `ssh host id`",
        "eval terraform apply",
        "eval 'ssh host'",
        "sftp host",
        "if true; then ssh host; fi",
        "x=$(sh -c 'ansible-playbook p.yml')",
        "nice -n 5 terraform apply",
        "ionice -c3 ansible-playbook site.yml",
        "watch -n 1 terraform show",
    })
    void everyShellRefusesTheGatedProgramsHoweverWrappedAndNamesTheTool(String command) {
        for (ShellPolicy policy : new ShellPolicy[] {ShellPolicy.unrestricted(), audit, readOnly}) {
            assertThat(policy.refusal(command)).as(policy + ": " + command).hasValueSatisfying(message ->
                    assertThat(message).startsWith("command refused: run_shell does not run ")
                            .containsAnyOf("run_terraform", "run_ansible", "run_ssh"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "grep -rn terraform generated_iac",
        "cat terraform.tfstate",
        "ls ~/.ssh",
        "echo ssh is the protocol",
        "cat <<EOF > docs/notes.md\nrun terraform apply later\nssh host\nEOF",
        "python3 -c 'print(1)'",
        "ls generated_iac/terraform/",
        "git log --oneline -- terraform",
    })
    void theGateDoesNotRefuseMereMentions(String command) {
        assertThat(ShellPolicy.unrestricted().refusal(command)).as(command).isEmpty();
    }

    @Test
    void globsAreExpandedAndEveryResultingWordChecked(@TempDir Path ws) throws Exception {
        Files.writeString(ws.resolve(".env"), "X=1");
        Files.createDirectories(ws.resolve("docs"));
        Files.writeString(ws.resolve("docs/a.md"), "a");
        Files.writeString(ws.resolve("docs/b.md"), "b");
        Files.createDirectories(ws.resolve("tmp"));
        Files.writeString(ws.resolve("tmp/bootstrap_id_rsa"), "k");

        assertThat(audit.check("cat .en?", ws)).isInstanceOf(ShellPolicy.Decision.Refuse.class);
        assertThat(audit.check("cat .e*", ws)).isInstanceOf(ShellPolicy.Decision.Refuse.class);
        assertThat(audit.check("cat tmp/bootstrap_id_rs?", ws)).isInstanceOf(ShellPolicy.Decision.Refuse.class);
        assertThat(audit.check("cat tmp/*", ws)).isInstanceOf(ShellPolicy.Decision.Refuse.class);
        assertThat(audit.check("sort --*=sh docs/a.md", ws)).isInstanceOf(ShellPolicy.Decision.Refuse.class);
        // Globs become the matching words, each quoted, so bash expands nothing itself.
        assertThat(audit.check("cat docs/*.md | grep -c '*'", ws))
                .isEqualTo(new ShellPolicy.Decision.Run("'cat' 'docs/a.md' 'docs/b.md' | 'grep' '-c' '*'"));
        assertThat(audit.check("ls docs/*.txt", ws)).as("no match: the word stays as written, like bash")
                .isEqualTo(new ShellPolicy.Decision.Run("'ls' 'docs/*.txt'"));
        assertThat(audit.check("ls *", ws)).as("no dotfiles for *")
                .isEqualTo(new ShellPolicy.Decision.Run("'ls' 'docs' 'tmp'"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "curl -s http://10.0.0.5:8080/health",
        "curl -sS -m 5 http://web1.lab/",
        "curl -s -H 'Accept: application/json' http://10.0.0.5",
        "curl -sI https://web2.lab/",
        "curl -s https://example.org/",
        "curl -s -w '%{http_code}' http://10.0.0.5/",
        "ping -c 3 10.0.0.5",
        "ping -c 2 -W 2 web1.lab",
        "dig +short web1.lab",
        "host web1.lab",
        "nslookup -type=A web1.lab",
        "ss -tlnp",
        "netstat -tlnp",
        "nc -z -w 3 10.0.0.5 22",
        "nc -zv web1.lab 80 443",
    })
    void readOnlyShellAllowsNetworkProbes(String command) {
        assertThat(readOnly.refusal(command)).as(command).isEmpty();
    }

    @Test
    void curlIsRewrittenToConnectToTheCheckedAddressOnlyOverHttp() {
        assertThat(readOnly.check("curl -s http://web1.lab:8080/health", Path.of(".")))
                .isEqualTo(new ShellPolicy.Decision.Run("'curl' '-q' '--proto' '=http,https' '--proto-redir' "
                        + "'=http,https' '--noproxy' '*' '--globoff' '--max-redirs' '0' '--resolve' "
                        + "'web1.lab:8080:10.0.0.7' '-s' 'http://web1.lab:8080/health'"));
        assertThat(readOnly.check("ping -c 1 web1.lab", Path.of(".")))
                .isEqualTo(new ShellPolicy.Decision.Run("'ping' '-c' '1' '10.0.0.7'"));
        assertThat(readOnly.check("nc -z web1.lab 22", Path.of(".")))
                .isEqualTo(new ShellPolicy.Decision.Run("'nc' '-z' '10.0.0.7' '22'"));
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
        "curl dict://127.0.0.1:6379/",
        "curl 10.0.0.5",
        "curl --resolve name:80:127.0.0.1 name:80/SET:pwn:1",
        "curl --resolve web1.lab:80:127.0.0.1 http://web1.lab/",
        "curl --connect-to ::127.0.0.1:6379 http://web1.lab/",
        "curl -x http://127.0.0.1:6379 http://web1.lab/",
        "curl -L http://10.0.0.5/",
        "curl --location http://10.0.0.5/",
        "curl -w @tmp/bootstrap_id_rsa http://10.0.0.5/",
        "curl -H @docs/headers http://10.0.0.5/",
        "curl --proto =all http://10.0.0.5/",
        "curl http://user:pw@10.0.0.5/",
        "curl http://10.0.0.5@127.0.0.1/",
        "curl http://127.0.0.1:6379/",
        "curl http://127.0.0.1:8080/",
        "curl http://localhost/",
        "curl http://[::1]/",
        "curl http://0.0.0.0:6379/",
        "curl http://[::]/",
        "curl http://[::ffff:127.0.0.1]/",
        "curl http://[::ffff:7f00:1]/",
        "curl http://[::127.0.0.1]/",
        "curl http://[64:ff9b::7f00:1]/",
        "curl http://169.254.169.254/latest/meta-data/",
        "curl http://[fd00:ec2::254]/",
        "curl http://100.100.100.200/",
        "curl http://168.63.129.16/",
        "curl http://[fe80::1]/",
        "curl http://2130706433/",
        "curl http://0177.0.0.1/",
        "curl http://0x7f.1/",
        "curl http://127.1/",
        "curl http://192.168.1.1/",
        "curl http://172.16.0.1/",
        "curl http://100.64.0.1/",
        "curl http://[fd12::1]/",
        "curl http://10.0.0.2:6379/",
        "curl http://rebind.test/",
        "curl http://mixed.test/",
        "curl http://nowhere.invalid/",
        "curl 'http://10.0.0.5/{a,b}'",
        "ping 10.0.0.5",
        "ping -c 1000 10.0.0.5",
        "ping -f -c 3 10.0.0.5",
        "ping -c 1 127.0.0.1",
        "ping -c 1 169.254.169.254",
        "ping -c 1 0177.0.0.1",
        "ping -c 1 -p ff 10.0.0.5",
        "ss -K dst 10.0.0.5",
        "ss -D docs/x",
        "ss --diag=docs/x",
        "nc -l 4444",
        "nc -e /bin/sh 10.0.0.5 4444",
        "nc -z 127.0.0.1 6379",
        "nc -z 10.0.0.2 6379",
        "nc -z 10.0.0.5 1-65535",
        "dig @127.0.0.1 web1.lab",
        "dig -p 6379 web1.lab",
        "dig -f docs/names",
        "dig -k tmp/key web1.lab",
        "dig +tcp web1.lab",
        "host web1.lab 127.0.0.1",
        "nslookup web1.lab 127.0.0.1",
        "netstat -c",
    })
    void readOnlyShellRefusesNetworkWritesFloodsAndForbiddenTargets(String command) {
        assertThat(readOnly.refusal(command)).as(command).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rm -rf x > y; $(id)", "anything at all"})
    void unrestrictedShellAllowsEverythingElse(String command) {
        assertThat(ShellPolicy.unrestricted().refusal(command)).isEmpty();
    }

    @Test
    void auditShellHasNoNetworkAndReadOnlyWorkspace() {
        assertThat(audit.needsNetwork()).isFalse();
        assertThat(audit.writesWorkspace()).isFalse();
        assertThat(readOnly.needsNetwork()).isTrue();
        assertThat(readOnly.writesWorkspace()).isFalse();
        assertThat(ShellPolicy.unrestricted().writesWorkspace()).isTrue();
    }
}
