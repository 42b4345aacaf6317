package dev.minilab.runtime.iac;

import dev.minilab.runtime.hcl.HclBlock;
import dev.minilab.runtime.hcl.HclFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One module as terraform would instantiate it: its folder, its parsed files and the values of its variables (for
 * the root: defaults, .tfvars, -var, TF_VAR_*; for a child: the arguments of the module call).
 *
 * @param dir   the module's folder (real path)
 * @param files its {@code .tf} and {@code .tf.json} files that parsed
 * @param scope its variables and locals
 * @param via   how it was reached, e.g. {@code module.web} ("" for the root)
 */
public record ModuleInstance(Path dir, List<HclFile> files, Scope scope, String via) {

    public ModuleInstance {
        files = List.copyOf(files);
    }

    /** Top-level blocks of every file with the file they are in. */
    public List<Located> blocks() {
        List<Located> out = new ArrayList<>();
        for (HclFile file : files) {
            for (HclBlock block : file.body().blocks()) {
                out.add(new Located(file, block));
            }
        }
        return out;
    }

    /** Top-level blocks of one type. */
    public List<Located> blocks(String type) {
        return blocks().stream().filter(l -> l.block().type().equals(type)).toList();
    }

    /** A block and its file. */
    public record Located(HclFile file, HclBlock block) {
    }
}
