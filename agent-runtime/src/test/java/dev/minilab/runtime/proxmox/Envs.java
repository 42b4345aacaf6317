package dev.minilab.runtime.proxmox;

import java.util.HashMap;
import java.util.Map;

/** Env maps for tests: a base with pairs set (a null value removes the name). */
final class Envs {

    private Envs() {
    }

    static Map<String, String> with(Map<String, String> base, String... kv) {
        Map<String, String> env = new HashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] == null) {
                env.remove(kv[i]);
            } else {
                env.put(kv[i], kv[i + 1]);
            }
        }
        return env;
    }
}
