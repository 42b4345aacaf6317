package dev.minilab.runtime.proxmox;

import dev.minilab.runtime.MiniLabException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

/** Computes a workload's size from the {@link SizingRules}: tier by users, environment factor and floor, overrides. */
public final class Sizer {

    private final SizingRules rules;

    public Sizer(SizingRules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    public SizingRules rules() {
        return rules;
    }

    /**
     * What to size. Explicit sizes (the user said them) win over the table as they are.
     *
     * @param users concurrent users the workload serves (at least 1)
     */
    public record Request(String workload, String environment, int users, Optional<Integer> cores,
                          Optional<Integer> memoryMb, Optional<Integer> diskGb) {
        public Request {
            Objects.requireNonNull(workload, "workload");
            Objects.requireNonNull(environment, "environment");
            cores = cores == null ? Optional.empty() : cores;
            memoryMb = memoryMb == null ? Optional.empty() : memoryMb;
            diskGb = diskGb == null ? Optional.empty() : diskGb;
        }

        public static Request of(String workload, String environment, int users) {
            return new Request(workload, environment, users, Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /**
     * The computed size.
     *
     * @param kind           the suggested guest kind from the rules (vm or ct)
     * @param maxUtilisation the environment's headroom limit, for placement
     * @param justification  one line: tier, factor, floor, overrides
     */
    public record Sized(String workload, String environment, int users, String kind, int cores, int memoryMb,
                        int diskGb, double maxUtilisation, String justification) {
    }

    /**
     * Sizes one request.
     *
     * @throws MiniLabException for an unknown workload or environment (naming the valid ones) or bad numbers
     */
    public Sized size(Request request) {
        String workloadName = rules.workloadName(request.workload()).orElseThrow(() -> new MiniLabException(
                "unknown workload '" + request.workload() + "'; use one of " + new TreeSet<>(rules.workloads().keySet())
                        + " (aliases such as postgres, nginx, redis are understood)"));
        String envName = rules.environmentName(request.environment()).orElseThrow(() -> new MiniLabException(
                "unknown environment '" + request.environment() + "'; use one of "
                        + new TreeSet<>(rules.environments().keySet())));
        if (request.users() < 1) {
            throw new MiniLabException("users must be at least 1, got " + request.users());
        }
        request.cores().ifPresent(c -> positive("cores", c));
        request.memoryMb().ifPresent(m -> positive("memory_mb", m));
        request.diskGb().ifPresent(d -> positive("disk_gb", d));
        SizingRules.Workload workload = rules.workloads().get(workloadName);
        SizingRules.Environment env = rules.environments().get(envName);

        SizingRules.Tier tier = workload.tiers().stream().filter(t -> request.users() <= t.maxUsers()).findFirst()
                .orElse(workload.tiers().getLast());
        boolean beyond = request.users() > tier.maxUsers();
        int cores = (int) Math.ceil(tier.cores() * env.factor() - 1e-9);
        int memory = roundUp((int) Math.ceil(tier.memoryMb() * env.factor() - 1e-9), 256);
        int disk = (int) Math.ceil(tier.diskGb() * env.factor() - 1e-9);
        List<String> steps = new ArrayList<>();
        steps.add(workloadName + " for " + request.users() + " users: tier up to " + tier.maxUsers() + " users = "
                + size(tier.cores(), tier.memoryMb(), tier.diskGb())
                + (beyond ? " (the largest tier; beyond it, scale out with several instances)" : ""));
        if (env.factor() != 1.0) {
            steps.add(envName + " x" + trim(env.factor()) + " = " + size(cores, memory, disk));
        }
        SizingRules.Size floor = env.floor();
        if (cores < floor.cores() || memory < floor.memoryMb() || disk < floor.diskGb()) {
            cores = Math.max(cores, floor.cores());
            memory = Math.max(memory, floor.memoryMb());
            disk = Math.max(disk, floor.diskGb());
            steps.add(envName + " floor " + size(floor.cores(), floor.memoryMb(), floor.diskGb()) + " = "
                    + size(cores, memory, disk));
        }
        List<String> given = new ArrayList<>();
        if (request.cores().isPresent()) {
            cores = request.cores().get();
            given.add("cores " + cores);
        }
        if (request.memoryMb().isPresent()) {
            memory = request.memoryMb().get();
            given.add("memory " + memory + " MB");
        }
        if (request.diskGb().isPresent()) {
            disk = request.diskGb().get();
            given.add("disk " + disk + " GB");
        }
        if (!given.isEmpty()) {
            steps.add("given by the user: " + String.join(", ", given) + " = " + size(cores, memory, disk));
        }
        return new Sized(workloadName, envName, request.users(), workload.kind(), cores, memory, disk,
                env.maxUtilisation(), String.join("; ", steps));
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new MiniLabException(name + " must be a positive number, got " + value);
        }
    }

    private static int roundUp(int value, int step) {
        return ((value + step - 1) / step) * step;
    }

    static String size(int cores, int memoryMb, int diskGb) {
        return cores + " " + (cores == 1 ? "core" : "cores") + ", " + memoryMb + " MB, " + diskGb + " GB";
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
