package dev.minilab.runtime.tools.terraform;

import dev.minilab.runtime.MiniLabException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * Keeps saved plan files outside every agent-writable root ({@code <workspace>/.minilab/plans}), named by their
 * {@link PlanId}, with the module they belong to, whether they destroy, and their full SHA-256 so a plan changed after
 * it was made is refused.
 */
public final class PlanStore {

    /** What is known about one saved plan. */
    public record SavedPlan(PlanId id, Path file, Path moduleDir, String sha256, boolean destroy) { }

    private final Path directory;

    public PlanStore(Path directory) {
        this.directory = directory;
    }

    /** A fresh path terraform may write a plan to (then {@link #register} it). */
    public Path newPendingFile() {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new MiniLabException("cannot create the plan folder " + directory + ": " + e.getMessage());
        }
        return directory.resolve("pending-" + UUID.randomUUID() + ".tfplan");
    }

    /** Hashes the pending plan file, renames it to its id and records its module. */
    public SavedPlan register(Path pendingFile, Path moduleDir, boolean destroy) {
        String sha = sha256(pendingFile);
        PlanId id = new PlanId(sha.substring(0, 16));
        Path file = directory.resolve(id.value() + ".tfplan");
        Properties meta = new Properties();
        meta.setProperty("module", moduleDir.toString());
        meta.setProperty("sha256", sha);
        meta.setProperty("destroy", Boolean.toString(destroy));
        try {
            Files.move(pendingFile, file, StandardCopyOption.REPLACE_EXISTING);
            try (OutputStream out = Files.newOutputStream(directory.resolve(id.value() + ".properties"))) {
                meta.store(out, "MiniLab saved terraform plan");
            }
        } catch (IOException e) {
            throw new MiniLabException("cannot store plan " + id + ": " + e.getMessage());
        }
        return new SavedPlan(id, file, moduleDir, sha, destroy);
    }

    /** The saved plan with this id, when it exists. */
    public Optional<SavedPlan> find(PlanId id) {
        Path metaFile = directory.resolve(id.value() + ".properties");
        Path file = directory.resolve(id.value() + ".tfplan");
        if (!Files.isRegularFile(metaFile) || !Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties meta = new Properties();
        try (InputStream in = Files.newInputStream(metaFile)) {
            meta.load(in);
        } catch (IOException e) {
            throw new MiniLabException("cannot read plan " + id + ": " + e.getMessage());
        }
        return Optional.of(new SavedPlan(id, file, Path.of(meta.getProperty("module", "")),
                meta.getProperty("sha256", ""), Boolean.parseBoolean(meta.getProperty("destroy"))));
    }

    /** True when the plan file still has the hash it was saved with. */
    public boolean intact(SavedPlan plan) {
        return Files.isRegularFile(plan.file()) && sha256(plan.file()).equals(plan.sha256());
    }

    /** Removes a plan after it was applied (terraform refuses to apply it twice anyway). */
    public void consume(SavedPlan plan) {
        try {
            Files.deleteIfExists(plan.file());
            Files.deleteIfExists(directory.resolve(plan.id().value() + ".properties"));
        } catch (IOException e) {
            throw new MiniLabException("cannot remove applied plan " + plan.id() + ": " + e.getMessage());
        }
    }

    /** Deletes a pending file terraform wrote before failing. */
    public void discard(Path pendingFile) {
        try {
            Files.deleteIfExists(pendingFile);
        } catch (IOException e) {
            throw new MiniLabException("cannot remove " + pendingFile + ": " + e.getMessage());
        }
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new MiniLabException("cannot hash plan file " + file + ": " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
