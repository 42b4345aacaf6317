package dev.minilab.runtime.iac;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.runtime.hcl.HclAttribute;
import dev.minilab.runtime.hcl.HclBlock;
import dev.minilab.runtime.hcl.HclExpr;
import dev.minilab.runtime.hcl.HclFile;
import dev.minilab.runtime.hcl.HclParser;
import dev.minilab.runtime.hcl.HclSyntaxException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads a root module and, recursively, the local modules it calls, the way terraform would: every {@code .tf} and
 * {@code .tf.json} file of a folder; root variable values from defaults, {@code TF_VAR_*}, {@code terraform.tfvars},
 * {@code *.auto.tfvars} and {@code -var}/{@code -var-file}; child variable values from the module call's arguments.
 * A local module source outside the allowed root is refused (issue 19 item 6): MiniLab checks and plans only
 * modules it can see, and a module outside {@code generated_iac/infra} is outside what the reviewers review. Remote
 * module sources are loaded from {@code .terraform/modules} once {@code terraform init} has downloaded them.
 */
final class ModuleTree {

    private static final int MAX_DEPTH = 8;
    private static final Set<String> META_ARGUMENTS = Set.of("source", "version", "count", "for_each", "providers",
            "depends_on");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final Path allowedRoot;
    private final List<Finding> findings;
    private final List<ModuleInstance> instances = new ArrayList<>();
    private final Map<String, Path> installed;

    private ModuleTree(Path root, Path allowedRoot, List<Finding> findings) {
        this.root = root;
        this.allowedRoot = allowedRoot;
        this.findings = findings;
        this.installed = installedModules(root);
    }

    /**
     * Loads {@code moduleDir} and its local children.
     *
     * @param envVariables values from TF_VAR_* (below the .tfvars files, as in terraform)
     * @param varFiles     -var-file arguments, relative to the module
     * @param cliVariables -var values (above everything, as in terraform)
     * @param findings     parse errors and refused module sources are added here
     */
    static List<ModuleInstance> load(Path moduleDir, Path allowedRoot, Map<String, String> envVariables,
                                     List<String> varFiles, Map<String, String> cliVariables, List<Finding> findings) {
        Path root = real(moduleDir);
        ModuleTree tree = new ModuleTree(root, real(allowedRoot), findings);
        List<HclFile> files = tree.parseFolder(root);
        Map<String, Object> values = new LinkedHashMap<>(defaults(files));
        envVariables.forEach(values::put);
        List<Path> tfvars = new ArrayList<>();
        for (String name : List.of("terraform.tfvars", "terraform.tfvars.json")) {
            tfvars.add(root.resolve(name));
        }
        try (Stream<Path> list = Files.list(root)) {
            list.filter(p -> p.getFileName().toString().endsWith(".auto.tfvars")
                    || p.getFileName().toString().endsWith(".auto.tfvars.json")).sorted().forEach(tfvars::add);
        } catch (IOException e) {
            findings.add(Finding.error("", 0, "cannot list " + root + ": " + e.getMessage()));
        }
        varFiles.forEach(f -> tfvars.add(root.resolve(f)));
        for (Path file : tfvars) {
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try {
                HclFile parsed = HclParser.parse(file);
                parsed.body().attributes().forEach((k, a) -> values.put(k, Scope.empty().eval(a.value())));
            } catch (HclSyntaxException e) {
                findings.add(Finding.error(tree.display(file), 0, e.getMessage()));
            }
        }
        cliVariables.forEach(values::put);
        tree.add(root, files, values, "", 0, List.of(root));
        return tree.instances;
    }

    private void add(Path dir, List<HclFile> files, Map<String, Object> variables, String via, int depth,
                     List<Path> chain) {
        Map<String, HclExpr> locals = new LinkedHashMap<>();
        for (HclFile file : files) {
            for (HclBlock block : file.body().blocks("locals")) {
                block.body().attributes().forEach((k, a) -> locals.put(k, a.value()));
            }
        }
        Scope scope = new Scope(variables, locals);
        ModuleInstance instance = new ModuleInstance(dir, files, scope, via);
        instances.add(instance);
        for (ModuleInstance.Located call : instance.blocks("module")) {
            HclBlock block = call.block();
            String name = block.label(0);
            String where = display(call.file().path());
            String path = via.isEmpty() ? "module." + name : via + ".module." + name;
            Optional<HclExpr> sourceExpr = block.body().expr("source");
            if (sourceExpr.isEmpty() || !(sourceExpr.get() instanceof HclExpr.Literal l)
                    || !(l.value() instanceof String source)) {
                findings.add(Finding.error(where, block.line(), "module \"" + name + "\" needs source = \"<path>\" "
                        + "as a literal string (terraform does not allow expressions there)"));
                continue;
            }
            Path childDir;
            if (source.startsWith("./") || source.startsWith("../")) {
                Path target = dir.resolve(source).normalize();
                Path resolved = Files.exists(target) ? real(target) : target;
                if (!resolved.startsWith(allowedRoot)) {
                    findings.add(Finding.error(where, block.line(), "module \"" + name + "\" source \"" + source
                            + "\" resolves to " + resolved + ", outside " + allowedRoot + ": MiniLab checks and plans "
                            + "only modules under generated_iac/infra (what the team reviews); copy the module into "
                            + "generated_iac/infra/modules/ and use a path there"));
                    continue;
                }
                if (!Files.isDirectory(resolved)) {
                    findings.add(Finding.error(where, block.line(), "module \"" + name + "\" source \"" + source
                            + "\" is not an existing folder (" + display(resolved) + ")"));
                    continue;
                }
                childDir = resolved;
            } else {
                String key = path.replace("module.", "");
                Path dirOf = installed.get(key);
                if (dirOf == null) {
                    findings.add(Finding.note(where, block.line(), "module \"" + name + "\" comes from \"" + source
                            + "\": terraform init downloads it, and MiniLab checks its providers only after that"));
                    continue;
                }
                childDir = real(dirOf);
            }
            if (chain.contains(childDir) || depth >= MAX_DEPTH) {
                findings.add(Finding.error(where, block.line(), "module \"" + name + "\" calls modules "
                        + (chain.contains(childDir) ? "in a cycle" : "nested deeper than " + MAX_DEPTH)));
                continue;
            }
            List<HclFile> childFiles = parseFolder(childDir);
            Map<String, Object> childValues = new LinkedHashMap<>(defaults(childFiles));
            for (Map.Entry<String, HclAttribute> arg : block.body().attributes().entrySet()) {
                if (!META_ARGUMENTS.contains(arg.getKey())) {
                    childValues.put(arg.getKey(), scope.eval(arg.getValue().value()));
                }
            }
            List<Path> more = new ArrayList<>(chain);
            more.add(childDir);
            add(childDir, childFiles, childValues, path, depth + 1, more);
        }
    }

    private List<HclFile> parseFolder(Path dir) {
        List<HclFile> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path file : list.filter(p -> {
                String n = p.getFileName().toString();
                return (n.endsWith(".tf") || n.endsWith(".tf.json")) && Files.isRegularFile(p);
            }).sorted().toList()) {
                try {
                    files.add(HclParser.parse(file));
                } catch (HclSyntaxException e) {
                    findings.add(Finding.error(display(file), 0, e.getMessage()));
                }
            }
        } catch (IOException e) {
            findings.add(Finding.error(display(dir), 0, "cannot list the module folder: " + e.getMessage()));
        }
        return files;
    }

    private static Map<String, Object> defaults(List<HclFile> files) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (HclFile file : files) {
            for (HclBlock variable : file.body().blocks("variable")) {
                variable.body().expr("default").ifPresent(d -> values.put(variable.label(0), Scope.empty().eval(d)));
            }
        }
        return values;
    }

    /** Module key (e.g. "web" or "web.disk") → folder, from .terraform/modules/modules.json after init. */
    private static Map<String, Path> installedModules(Path root) {
        Map<String, Path> out = new LinkedHashMap<>();
        Path manifest = root.resolve(".terraform/modules/modules.json");
        if (!Files.isRegularFile(manifest)) {
            return out;
        }
        try {
            for (JsonNode m : JSON.readTree(manifest.toFile()).path("Modules")) {
                String key = m.path("Key").asText("");
                String dir = m.path("Dir").asText("");
                if (!key.isEmpty() && !dir.isEmpty()) {
                    out.put(key, root.resolve(dir).normalize());
                }
            }
        } catch (IOException e) {
            // an unreadable manifest: remote modules stay unchecked (reported as notes)
        }
        return out;
    }

    /** A path for messages: relative to the checked module when below it or beside it. */
    String display(Path file) {
        Path f = file.toAbsolutePath().normalize();
        try {
            return root.relativize(f).toString().replace('\\', '/');
        } catch (IllegalArgumentException e) {
            return f.toString();
        }
    }

    static Path real(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            return path.toAbsolutePath().normalize();
        }
    }
}
