package dev.minilab.e2e.docker;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Every host path a compose file refers to, with its compose defaults applied ({@link RepoFiles#withDefaults}):
 * build contexts and Dockerfiles, {@code env_file}, seccomp profiles in {@code security_opt}, bind-mount sources in
 * {@code volumes} (short and long syntax), and the {@code file} of top-level {@code configs} and {@code secrets}.
 */
final class ComposePaths {

    /** One path: where it is used ({@code agent-devops.security_opt}) and the path as written, defaults applied. */
    record Reference(String where, String path) {
        /** True for a path relative to the project directory (what a checkout must hold). */
        boolean relative() {
            return !path.startsWith("/") && !path.startsWith("~") && !path.contains("://");
        }

        /** The path without a leading {@code ./} and trailing {@code /}. */
        String normalized() {
            String p = path.startsWith("./") ? path.substring(2) : path;
            return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        }
    }

    private ComposePaths() {
    }

    static List<Reference> of(JsonNode compose) {
        List<Reference> out = new ArrayList<>();
        compose.path("services").properties().forEach(entry -> {
            String name = entry.getKey();
            JsonNode service = entry.getValue();
            JsonNode build = service.path("build");
            if (build.isTextual()) {
                out.add(reference(name + ".build", build.asText()));
            } else if (build.isObject()) {
                String context = RepoFiles.withDefaults(build.path("context").asText("."));
                out.add(reference(name + ".build.context", context));
                String dockerfile = build.path("dockerfile").asText("Dockerfile");
                out.add(reference(name + ".build.dockerfile",
                        (context.endsWith("/") ? context : context + "/") + dockerfile));
            }
            JsonNode envFile = service.path("env_file");
            if (envFile.isTextual()) {
                out.add(reference(name + ".env_file", envFile.asText()));
            } else {
                envFile.forEach(file -> out.add(reference(name + ".env_file",
                        file.isObject() ? file.path("path").asText() : file.asText())));
            }
            for (String opt : RepoFiles.texts(service.path("security_opt"))) {
                String value = RepoFiles.withDefaults(opt);
                for (String prefix : List.of("seccomp=", "seccomp:")) {
                    if (value.startsWith(prefix) && !List.of("unconfined", "builtin")
                            .contains(value.substring(prefix.length()))) {
                        out.add(reference(name + ".security_opt", value.substring(prefix.length())));
                    }
                }
            }
            service.path("volumes").forEach(volume -> {
                String source = volume.isObject()
                        ? (volume.path("type").asText().equals("bind") ? volume.path("source").asText() : "")
                        : RepoFiles.withDefaults(volume.asText()).split(":")[0];
                if (source.startsWith(".") || source.startsWith("/") || source.startsWith("~")) {
                    out.add(reference(name + ".volumes", source));
                }
            });
        });
        for (String kind : List.of("configs", "secrets")) {
            compose.path(kind).properties().forEach(entry -> {
                if (entry.getValue().has("file")) {
                    out.add(reference(kind + "." + entry.getKey(), entry.getValue().path("file").asText()));
                }
            });
        }
        return out;
    }

    private static Reference reference(String where, String path) {
        return new Reference(where, RepoFiles.withDefaults(path));
    }
}
