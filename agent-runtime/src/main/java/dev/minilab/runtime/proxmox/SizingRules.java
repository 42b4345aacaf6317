package dev.minilab.runtime.proxmox;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.minilab.runtime.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The sizing table of {@code prompts/sizing.yaml}: environments (factor, floor, headroom) and workload types (tiers
 * by users). Loaded with Jackson YAML and checked as a whole, so a typo fails at start with the file and the field.
 *
 * @param environments by canonical name (prod, staging, dev, …)
 * @param workloads    by canonical name (web, database, …)
 * @param source       where the rules came from (a path, or "built-in")
 */
public record SizingRules(Map<String, Environment> environments, Map<String, Workload> workloads, String source) {

    /** Names the file explicitly (else the prompts folders are searched). */
    public static final String VARIABLE = "MINILAB_SIZING";
    static final String FILE_NAME = "sizing.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public SizingRules {
        environments = Map.copyOf(environments);
        workloads = Map.copyOf(workloads);
    }

    /** A size: vCPUs, MiB of memory, GiB of disk. */
    public record Size(int cores, int memoryMb, int diskGb) {
    }

    /**
     * @param factor         multiplies a tier's size (prod 1.5, dev 0.5)
     * @param floor          the smallest size in this environment
     * @param maxUtilisation memory and CPU use of a node after placing must stay at or below this (0.60 = 60 %)
     */
    public record Environment(List<String> aliases, double factor, Size floor, double maxUtilisation) {
        public Environment {
            aliases = aliases == null ? List.of() : List.copyOf(aliases);
        }
    }

    /** Up to {@code maxUsers} users this size is enough (before the environment factor). */
    public record Tier(int maxUsers, int cores, int memoryMb, int diskGb) {
    }

    /** @param kind the suggested guest kind: vm or ct */
    public record Workload(String description, List<String> aliases, String kind, List<Tier> tiers) {
        public Workload {
            aliases = aliases == null ? List.of() : List.copyOf(aliases);
            tiers = tiers == null ? List.of() : List.copyOf(tiers);
        }
    }

    private record FileModel(Map<String, Environment> environments, Map<String, Workload> workloads) {
    }

    /**
     * Finds the rules: {@value #VARIABLE}, else {@code sizing.yaml} in MINILAB_PROMPTS, in {@code prompts/} of the
     * workspace, in {@code prompts/} of MINILAB_HOME; else the built-in copy.
     *
     * @throws ConfigException when a named or found file is missing or malformed
     */
    public static SizingRules locate(Map<String, String> env, Path workspace) {
        String explicit = env.get(VARIABLE);
        if (explicit != null && !explicit.isBlank()) {
            Path path = workspace.resolve(explicit.strip());
            if (!Files.isRegularFile(path)) {
                throw ConfigException.invalid(VARIABLE, explicit, "an existing YAML file like prompts/sizing.yaml");
            }
            return load(path);
        }
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(env.get("MINILAB_PROMPTS")).filter(s -> !s.isBlank())
                .ifPresent(p -> candidates.add(Path.of(p.strip()).resolve(FILE_NAME)));
        candidates.add(workspace.resolve("prompts").resolve(FILE_NAME));
        Optional.ofNullable(env.get("MINILAB_HOME")).filter(s -> !s.isBlank())
                .ifPresent(h -> candidates.add(Path.of(h.strip()).resolve("prompts").resolve(FILE_NAME)));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate)) {
                return load(candidate);
            }
        }
        return builtIn();
    }

    /** The rules shipped inside MiniLab (a copy of prompts/sizing.yaml made at build time). */
    public static SizingRules builtIn() {
        try (InputStream in = SizingRules.class.getResourceAsStream(FILE_NAME)) {
            if (in == null) {
                throw new ConfigException.Malformed("the built-in sizing rules are missing from the MiniLab jar; "
                        + "set " + VARIABLE + " to prompts/sizing.yaml");
            }
            return parse(in, "built-in");
        } catch (IOException e) {
            throw new ConfigException.Malformed("cannot read the built-in sizing rules: " + e.getMessage());
        }
    }

    /** Loads and checks one file. */
    public static SizingRules load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw new ConfigException.Malformed("sizing rules " + file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    static SizingRules parse(InputStream in, String source) {
        FileModel model;
        try {
            model = YAML.readValue(in, FileModel.class);
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new ConfigException.Malformed("sizing rules " + source + ": not valid (" + why + ")");
        }
        if (model == null || model.environments() == null || model.environments().isEmpty()
                || model.workloads() == null || model.workloads().isEmpty()) {
            throw new ConfigException.Malformed("sizing rules " + source + ": needs 'environments' and 'workloads'");
        }
        Map<String, Environment> envs = new LinkedHashMap<>();
        model.environments().forEach((name, e) -> envs.put(name.toLowerCase(Locale.ROOT), checked(source, name, e)));
        Map<String, Workload> loads = new LinkedHashMap<>();
        model.workloads().forEach((name, w) -> loads.put(name.toLowerCase(Locale.ROOT), checked(source, name, w)));
        return new SizingRules(envs, loads, source);
    }

    private static Environment checked(String source, String name, Environment e) {
        String at = "sizing rules " + source + ": environments." + name;
        if (e == null || e.floor() == null) {
            throw new ConfigException.Malformed(at + ": needs factor, floor and max_utilisation");
        }
        if (!(e.factor() > 0)) {
            throw new ConfigException.Malformed(at + ".factor must be above 0, got " + e.factor());
        }
        if (!(e.maxUtilisation() > 0 && e.maxUtilisation() <= 1)) {
            throw new ConfigException.Malformed(at + ".max_utilisation must be a fraction in (0, 1], e.g. 0.6, got "
                    + e.maxUtilisation());
        }
        positive(at + ".floor", e.floor().cores(), e.floor().memoryMb(), e.floor().diskGb());
        return e;
    }

    private static Workload checked(String source, String name, Workload w) {
        String at = "sizing rules " + source + ": workloads." + name;
        if (w == null || w.tiers().isEmpty()) {
            throw new ConfigException.Malformed(at + ": needs at least one tier");
        }
        if (!"vm".equals(w.kind()) && !"ct".equals(w.kind())) {
            throw new ConfigException.Malformed(at + ".kind must be vm or ct, got " + w.kind());
        }
        int last = 0;
        for (int i = 0; i < w.tiers().size(); i++) {
            Tier t = w.tiers().get(i);
            positive(at + ".tiers[" + i + "]", t.cores(), t.memoryMb(), t.diskGb());
            if (t.maxUsers() <= last) {
                throw new ConfigException.Malformed(at + ".tiers[" + i + "].max_users must be above the previous "
                        + "tier's (" + last + "), got " + t.maxUsers());
            }
            last = t.maxUsers();
        }
        return w;
    }

    private static void positive(String at, int cores, int memoryMb, int diskGb) {
        if (cores < 1 || memoryMb < 16 || diskGb < 1) {
            throw new ConfigException.Malformed(at + ": cores, memory_mb and disk_gb must be positive (got " + cores
                    + ", " + memoryMb + ", " + diskGb + ")");
        }
    }

    /** The canonical environment name for a name or alias (case-insensitive). */
    public Optional<String> environmentName(String nameOrAlias) {
        return canonical(nameOrAlias, environments.keySet(), n -> environments.get(n).aliases());
    }

    /** The canonical workload name for a name or alias (case-insensitive; '_' and ' ' count as '-'). */
    public Optional<String> workloadName(String nameOrAlias) {
        return canonical(nameOrAlias, workloads.keySet(), n -> workloads.get(n).aliases());
    }

    private static Optional<String> canonical(String text, java.util.Set<String> names,
                                              java.util.function.Function<String, List<String>> aliases) {
        if (text == null) {
            return Optional.empty();
        }
        String want = norm(text);
        for (String name : names) {
            if (norm(name).equals(want) || aliases.apply(name).stream().anyMatch(a -> norm(a).equals(want))) {
                return Optional.of(name);
            }
        }
        return Optional.empty();
    }

    private static String norm(String s) {
        return s.strip().toLowerCase(Locale.ROOT).replace('_', '-').replace(' ', '-');
    }
}
