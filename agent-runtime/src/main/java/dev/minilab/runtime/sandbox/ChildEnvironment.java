package dev.minilab.runtime.sandbox;

import java.util.Collection;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Builds the environment of tool subprocesses from the agent's env: secrets never reach a child.
 *
 * <p>Dropped: every variable whose name contains KEY, SECRET, PASSWORD, PASSWD, TOKEN or CREDENTIAL, the configured
 * extra secret names, {@code OPENAI_*}, {@code REDIS_*}, {@code PM_*}, {@code MINILAB_PRIVATE_KEY}, the SSH agent
 * socket, {@code LD_PRELOAD}/{@code LD_LIBRARY_PATH}, and any value carrying a password inside a URL. Proxmox
 * credentials reach terraform only, as {@code TF_VAR_pm_api_url} (the provider's form, see
 * {@link #terraformEndpoint}), {@code TF_VAR_pm_token_id}, {@code TF_VAR_pm_token_secret}, {@code TF_VAR_pm_ca_file}
 * and {@code TF_VAR_pm_tls_insecure} (when PM_TLS_INSECURE is true).
 */
public final class ChildEnvironment {

    /** PATH used when the agent's env has none. */
    public static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static final Set<String> DROPPED_PREFIXES = Set.of("OPENAI_", "REDIS_", "PM_", "TF_VAR_PM_");
    private static final Set<String> DROPPED_NAMES = Set.of("MINILAB_PRIVATE_KEY", "SSH_AUTH_SOCK", "SSH_AGENT_PID",
            "SSH_AGENT_SOCK", // MiniLab's agent for the team key: ansible gets it as SSH_AUTH_SOCK, nothing else
            "LD_PRELOAD", "LD_LIBRARY_PATH", "LD_AUDIT", "BASH_ENV", "ENV", "PROMPT_COMMAND");
    private static final Pattern URL_WITH_PASSWORD = Pattern.compile("(?i)[a-z][a-z0-9+.-]*://[^/\\s:@]*:[^@\\s/]+@");
    private static final Map<String, String> PROXMOX_TO_TERRAFORM = Map.of(
            "PM_API_URL", "TF_VAR_pm_api_url",
            "PM_TOKEN_ID", "TF_VAR_pm_token_id",
            "PM_TOKEN_SECRET", "TF_VAR_pm_token_secret",
            "PM_CA_FILE", "TF_VAR_pm_ca_file");

    private ChildEnvironment() {
    }

    /** The scrubbed env for shell, ansible and any other child. */
    public static Map<String, String> scrubbed(Map<String, String> env, Collection<String> extraSecretNames) {
        Set<String> extra = Set.copyOf(extraSecretNames.stream().map(n -> n.toUpperCase(Locale.ROOT)).toList());
        Map<String, String> out = new TreeMap<>();
        env.forEach((name, value) -> {
            if (value != null && keep(name, value, extra)) {
                out.put(name, value);
            }
        });
        out.putIfAbsent("PATH", DEFAULT_PATH);
        out.putIfAbsent("LANG", "C.UTF-8");
        return out;
    }

    /**
     * The scrubbed env plus the Proxmox settings as TF_VAR_pm_* and terraform's no-network-checks settings: the one
     * place both {@code run_terraform} and the provisioning pipeline get terraform's env from.
     */
    public static Map<String, String> forTerraform(Map<String, String> env, Collection<String> extraSecretNames) {
        Map<String, String> out = scrubbed(env, extraSecretNames);
        PROXMOX_TO_TERRAFORM.forEach((from, to) -> {
            String value = env.get(from);
            if (value != null && !value.isBlank()) {
                out.put(to, from.equals("PM_API_URL") ? terraformEndpoint(value) : value);
            }
        });
        if (Set.of("true", "1", "yes").contains(env.getOrDefault("PM_TLS_INSECURE", "").strip()
                .toLowerCase(Locale.ROOT))) {
            out.put("TF_VAR_pm_tls_insecure", "true");
        }
        out.put("CHECKPOINT_DISABLE", "1");
        out.put("TF_IN_AUTOMATION", "1");
        out.put("TF_INPUT", "0");
        return out;
    }

    /**
     * PM_API_URL as bpg/proxmox's {@code endpoint} wants it: {@code https://host:8006/}. PM_API_URL may also be given
     * as {@code https://host:8006/api2/json} (the API's base, which the provider refuses), with or without a slash.
     */
    public static String terraformEndpoint(String pmApiUrl) {
        String url = pmApiUrl.strip().replaceAll("/+$", "");
        if (url.endsWith("/api2/json")) {
            url = url.substring(0, url.length() - "/api2/json".length()).replaceAll("/+$", "");
        }
        return url + "/";
    }

    private static boolean keep(String name, String value, Set<String> extra) {
        String upper = name.toUpperCase(Locale.ROOT);
        if (Redactor.SECRET_NAME.matcher(upper).find() || extra.contains(upper) || DROPPED_NAMES.contains(upper)) {
            return false;
        }
        for (String prefix : DROPPED_PREFIXES) {
            if (upper.startsWith(prefix)) {
                return false;
            }
        }
        return !URL_WITH_PASSWORD.matcher(value).find();
    }
}
