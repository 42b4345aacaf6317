package dev.minilab.agents;

import dev.minilab.runtime.config.ConfigException;
import dev.minilab.runtime.config.MiniLabConfig;
import dev.minilab.runtime.proxmox.Inventory;
import dev.minilab.runtime.proxmox.InventoryText;
import dev.minilab.runtime.proxmox.ProxmoxException;
import dev.minilab.runtime.proxmox.ProxmoxSettings;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.proxmox.ProxmoxToolkit;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code ./minilab inventory [node]}: prints what the agents' {@code proxmox_inventory} tool sees, so a user can check
 * the PM_* settings before letting the team loose. Exit codes: 0 read, 2 configuration, 4 the API refused or failed.
 */
public final class InventoryMain {

    static final int EXIT_CONFIG = 2;
    static final int EXIT_API = 4;

    private InventoryMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), Path.of("").toAbsolutePath(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> processEnv, Path cwd, PrintStream out, PrintStream err) {
        Map<String, String> env;
        ProxmoxToolkit toolkit;
        Redactor redactor;
        try {
            env = MiniLabConfig.load(processEnv, cwd);
            MiniLabConfig config = MiniLabConfig.from(env, cwd);
            redactor = Redactor.fromEnv(env);
            toolkit = ProxmoxToolkit.fromEnv(env, config.workspace());
        } catch (ConfigException e) {
            err.println("minilab inventory: " + e.getMessage());
            return EXIT_CONFIG;
        }
        if (!toolkit.configured()) {
            err.println("minilab inventory: PM_API_URL is not set. Set PM_API_URL (https://host:8006), PM_TOKEN_ID "
                    + "(user@realm!tokenname), PM_TOKEN_SECRET and, for your cluster's CA, PM_CA_FILE in .env "
                    + "(see .env.template).");
            return EXIT_CONFIG;
        }
        ProxmoxSettings settings = toolkit.settings().orElseThrow();
        if (settings.insecure()) {
            err.println(ProxmoxSettings.INSECURE_WARNING);
        }
        Inventory inventory;
        try {
            inventory = toolkit.inventory();
        } catch (ProxmoxException e) {
            err.println("minilab inventory: " + redactor.redact(e.getMessage()));
            return EXIT_API;
        }
        if (args.length > 0 && !args[0].isBlank()) {
            if (inventory.node(args[0]).isEmpty()) {
                err.println("minilab inventory: no node '" + args[0] + "' in the cluster");
                return EXIT_API;
            }
            inventory = inventory.onlyNode(args[0]);
        }
        out.println("Proxmox API " + settings.apiBase() + " as " + settings.tokenId() + " (TLS "
                + (settings.insecure() ? "NOT verified" : settings.caFile().map(f -> "verified with PM_CA_FILE " + f)
                .orElse("verified with the system CAs")) + "); sizing rules: " + toolkit.rules().source());
        out.print(redactor.redact(InventoryText.render(inventory)));
        out.flush();
        return 0;
    }
}
