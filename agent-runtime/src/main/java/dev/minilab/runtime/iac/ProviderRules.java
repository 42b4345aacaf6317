package dev.minilab.runtime.iac;

import dev.minilab.runtime.hcl.HclAttribute;
import dev.minilab.runtime.hcl.HclBlock;
import dev.minilab.runtime.hcl.HclBody;
import dev.minilab.runtime.hcl.HclExpr;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.nio.file.Path;

/**
 * The provider allowlist (LESSONS row 21): Proxmox only through {@code bpg/proxmox}. Refuses {@code hashicorp/proxmox}
 * (it does not exist) and any other Proxmox provider (Telmate's among them) naming the right source; a module that
 * uses {@code proxmox_*} resources or a {@code provider "proxmox"} block must declare {@code bpg/proxmox} itself
 * (terraform otherwise looks for {@code hashicorp/proxmox}); Telmate resource types and provider arguments are named
 * with their bpg equivalents.
 */
final class ProviderRules {

    static final String ALLOWED = "bpg/proxmox";
    static final String DECLARATION = "terraform { required_providers { proxmox = { source = \"bpg/proxmox\", "
            + "version = \"~> 0.73\" } } }";
    private static final Set<String> TELMATE_PROVIDER_ARGS = Set.of("pm_api_url", "pm_api_token_id",
            "pm_api_token_secret", "pm_tls_insecure", "pm_user", "pm_password", "pm_otp", "pm_parallel");

    private ProviderRules() {
    }

    private record Declared(String source, boolean implicit, String file, int line) {
    }

    static void check(ModuleInstance module, Function<Path, String> display, List<Finding> out) {
        Map<String, Declared> declared = new LinkedHashMap<>();
        for (ModuleInstance.Located t : module.blocks("terraform")) {
            String file = display.apply(t.file().path());
            for (HclBody.Nested rp : t.block().body().nested("required_providers")) {
                for (HclAttribute entry : rp.body().attributes().values()) {
                    String source = null;
                    boolean implicit = false;
                    if (entry.value() instanceof HclExpr.ObjectExpr object) {
                        HclExpr s = object.entries().get("source");
                        if (s instanceof HclExpr.Literal l && l.value() instanceof String text) {
                            source = text;
                        } else if (s != null) {
                            out.add(Finding.error(file, entry.line(), "required_providers \"" + entry.name()
                                    + "\": source must be a literal string"));
                            continue;
                        }
                    }
                    if (source == null) {
                        source = "hashicorp/" + entry.name();
                        implicit = true;
                    }
                    declared.put(entry.name(), new Declared(source, implicit, file, entry.line() > 0 ? entry.line()
                            : rp.line()));
                }
            }
        }
        for (Map.Entry<String, Declared> e : declared.entrySet()) {
            Declared d = e.getValue();
            String normalized = normalize(d.source());
            boolean proxmox = e.getKey().equals("proxmox") || normalized.contains("proxmox");
            if (!proxmox || normalized.equals(ALLOWED)) {
                continue;
            }
            String message;
            if (d.implicit()) {
                message = "required_providers \"" + e.getKey() + "\" has no source, so terraform reads it as "
                        + "hashicorp/" + e.getKey() + ", which does not exist: write " + e.getKey()
                        + " = { source = \"bpg/proxmox\", version = \"~> 0.73\" }";
            } else if (normalized.equals("hashicorp/proxmox")) {
                message = "provider source \"" + d.source() + "\" does not exist (there is no hashicorp/proxmox "
                        + "provider): use source = \"bpg/proxmox\", e.g. " + DECLARATION;
            } else {
                message = "provider source \"" + d.source() + "\" is not allowed: MiniLab supports only the "
                        + "bpg/proxmox provider for Proxmox (maintained; resources proxmox_virtual_environment_*): "
                        + "use source = \"bpg/proxmox\"";
            }
            out.add(Finding.error(d.file(), d.line(), message));
        }

        ModuleInstance.Located firstUse = null;
        for (ModuleInstance.Located l : module.blocks()) {
            HclBlock b = l.block();
            boolean usesProxmox = (b.type().equals("resource") || b.type().equals("data"))
                    && b.label(0).startsWith("proxmox_")
                    || b.type().equals("provider") && b.label(0).equals("proxmox");
            if (!usesProxmox) {
                continue;
            }
            if (firstUse == null) {
                firstUse = l;
            }
            String file = display.apply(l.file().path());
            if ((b.type().equals("resource") || b.type().equals("data"))
                    && !b.label(0).startsWith("proxmox_virtual_environment_")) {
                out.add(Finding.error(file, b.line(), b.type() + " type \"" + b.label(0) + "\" does not exist in "
                        + "bpg/proxmox (it is a Telmate-provider type): use proxmox_virtual_environment_vm for VMs, "
                        + "proxmox_virtual_environment_container for LXC containers"));
            }
            if (b.type().equals("provider")) {
                for (String arg : b.body().attributes().keySet()) {
                    if (TELMATE_PROVIDER_ARGS.contains(arg)) {
                        out.add(Finding.error(file, b.body().attributes().get(arg).line(), "provider \"proxmox\" "
                                + "argument \"" + arg + "\" belongs to the Telmate provider; bpg/proxmox takes "
                                + "endpoint (https://host:8006/, without /api2/json), api_token "
                                + "(\"user@realm!name=secret\", from a variable) and insecure"));
                    }
                }
            }
        }
        if (firstUse != null) {
            Declared d = declared.get("proxmox");
            if (d == null) {
                out.add(Finding.error(display.apply(firstUse.file().path()), firstUse.block().line(), "this module "
                        + "uses the proxmox provider (" + firstUse.block().title() + ") but does not declare its "
                        + "source, so terraform would look for hashicorp/proxmox, which does not exist. Every module "
                        + "that uses it (child modules too) needs " + DECLARATION));
            }
        }
    }

    static String normalize(String source) {
        return source.strip().toLowerCase(Locale.ROOT).replaceFirst("^registry\\.terraform\\.io/", "")
                .replaceFirst("^registry\\.opentofu\\.org/", "");
    }
}
