package dev.minilab.runtime.iac;

import dev.minilab.runtime.hcl.HclAttribute;
import dev.minilab.runtime.hcl.HclBlock;
import dev.minilab.runtime.hcl.HclBody;
import dev.minilab.runtime.hcl.HclExpr;
import dev.minilab.runtime.sandbox.Redactor;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Secrets belong in the environment ({@code TF_VAR_*}, which MiniLab fills from {@code PM_*}) or an uncommitted
 * {@code .tfvars}, never in a {@code .tf} file (LESSONS row 21): a secret-named variable with a default, a
 * secret-named local with a literal, a literal {@code api_token}/{@code password} in the proxmox provider, or any
 * literal that looks like a Proxmox API token is an error.
 */
final class SecretRules {

    private static final Pattern PVE_TOKEN = Pattern.compile("[^\\s@]+@[^\\s!]+![A-Za-z][\\w.-]*=[0-9a-fA-F-]{8,}");
    private static final Pattern NOT_SECRET = Pattern.compile("(?i).*(_id|_ids|_user|username|_enabled|_length)$");

    private SecretRules() {
    }

    static boolean secretName(String name) {
        return Redactor.isSecretName(name) && !NOT_SECRET.matcher(name).matches();
    }

    static void check(ModuleInstance module, Function<Path, String> display, List<Finding> out) {
        for (ModuleInstance.Located l : module.blocks()) {
            HclBlock b = l.block();
            String file = display.apply(l.file().path());
            if (b.type().equals("variable") && secretName(b.label(0))) {
                b.body().attribute("default").ifPresent(d -> {
                    if (d.value() instanceof HclExpr.Literal lit && lit.value() instanceof String s && !s.isBlank()) {
                        out.add(Finding.error(file, d.line(), "variable \"" + b.label(0) + "\" has a secret as its "
                                + "default in a .tf file: remove the default and pass the value through the "
                                + "environment (MiniLab gives terraform TF_VAR_pm_token_id and TF_VAR_pm_token_secret "
                                + "from PM_TOKEN_ID/PM_TOKEN_SECRET; other secrets: TF_VAR_<name>) or an "
                                + "uncommitted .tfvars file, and mark the variable sensitive = true"));
                    }
                });
            }
            if (b.type().equals("locals")) {
                b.body().attributes().values().forEach(a -> {
                    if (secretName(a.name()) && a.value() instanceof HclExpr.Literal lit
                            && lit.value() instanceof String s && !s.isBlank()) {
                        out.add(Finding.error(file, a.line(), "local \"" + a.name() + "\" holds a secret literal in a "
                                + ".tf file: use a sensitive variable set from the environment (TF_VAR_<name>)"));
                    }
                });
            }
            if (b.type().equals("provider") && b.label(0).equals("proxmox")) {
                literalSecret(b.body(), List.of("api_token", "password"), "provider \"proxmox\"", file, out);
                for (HclBody.Nested ssh : b.body().nested("ssh")) {
                    literalSecret(ssh.body(), List.of("password", "private_key"), "provider \"proxmox\" ssh", file,
                            out);
                }
            }
            tokenLiterals(b.body(), file, out);
        }
    }

    private static void literalSecret(HclBody body, List<String> names, String where, String file, List<Finding> out) {
        for (String name : names) {
            body.attribute(name).ifPresent(a -> {
                if (a.value() instanceof HclExpr.Literal lit && lit.value() instanceof String s && !s.isBlank()) {
                    out.add(Finding.error(file, a.line(), where + " " + name + " is a literal secret in a .tf file: "
                            + "write " + name + " = var." + (name.equals("api_token") ? "pm_api_token" : name)
                            + " with a sensitive variable set from the environment (for the API token: "
                            + "api_token = \"${var.pm_token_id}=${var.pm_token_secret}\", filled from "
                            + "PM_TOKEN_ID/PM_TOKEN_SECRET)"));
                }
            });
        }
    }

    private static void tokenLiterals(HclBody body, String file, List<Finding> out) {
        for (HclAttribute a : body.attributes().values()) {
            if (containsToken(a.value())) {
                out.add(Finding.error(file, a.line(), "\"" + a.name() + "\" holds what looks like a Proxmox API token "
                        + "(user@realm!name=secret) in a .tf file: take it from variables set by the environment"));
            }
        }
        for (HclBlock nested : body.blocks()) {
            tokenLiterals(nested.body(), file, out);
        }
    }

    private static boolean containsToken(HclExpr expr) {
        return switch (expr) {
            case HclExpr.Literal l -> l.value() instanceof String s && PVE_TOKEN.matcher(s).find();
            case HclExpr.Template t -> t.parts().stream().anyMatch(SecretRules::containsToken);
            case HclExpr.ObjectExpr o -> o.entries().values().stream().anyMatch(SecretRules::containsToken);
            case HclExpr.TupleExpr t -> t.items().stream().anyMatch(SecretRules::containsToken);
            case HclExpr.Binary b -> containsToken(b.left()) || containsToken(b.right());
            case HclExpr.Conditional c -> containsToken(c.condition()) || containsToken(c.whenTrue())
                    || containsToken(c.whenFalse());
            default -> false;
        };
    }
}
