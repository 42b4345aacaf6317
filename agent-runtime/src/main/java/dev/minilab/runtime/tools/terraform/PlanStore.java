package dev.minilab.runtime.tools.terraform;

import dev.minilab.runtime.MiniLabException;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Keeps saved plans in {@code <workspace>/.minilab/plans/<plan_id>/}: a private copy of the plan file terraform wrote
 * and the plan's record (module, what it does, who made it, the module folder's file list). The {@link PlanId} is the
 * hash of all of it, so nothing on disk is trusted: {@link #load} recomputes the id from the record, the record's
 * plan hash from the plan bytes and the module hash from the file list, and refuses any mismatch. Apply runs a fresh
 * copy of the verified bytes ({@link #privateCopy}), never the stored file. A plan is used up by the first apply
 * attempt ({@link #useUp}); a note remains so a second attempt is told why.
 */
public final class PlanStore {

    /** A saved plan whose files were checked against its id; {@code planBytes} are what apply runs. */
    record StoredPlan(PlanRecord record, String planSha256, ModuleDigest moduleDigest, byte[] planBytes) { }

    private static final String FORMAT = "minilab-plan-v2";
    private static final String RECORD = "record.properties";
    private static final String PLAN = "plan.tfplan";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path directory;

    public PlanStore(Path directory) {
        this.directory = directory.toAbsolutePath().normalize();
    }

    /** A fresh path terraform may write a plan to (then {@link #register} it). */
    public Path newPendingFile() {
        createDirectories(directory);
        return directory.resolve("pending-" + UUID.randomUUID() + ".tfplan");
    }

    /**
     * Takes the plan terraform wrote to {@code pendingFile} into the store: its bytes, the module digest taken around
     * the plan and what the plan does make the record, the hash of which is the plan id.
     */
    StoredPlan register(Path pendingFile, Path moduleDir, ModuleDigest digest, PlanActions changes,
                        boolean destroyPlan, String plannedBy) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(pendingFile);
        } catch (IOException e) {
            throw new MiniLabException("cannot read the plan terraform wrote (" + pendingFile + "): " + e.getMessage());
        } finally {
            discard(pendingFile);
        }
        String planSha = ModuleDigest.sha256(bytes);
        String nonce = HexFormat.of().formatHex(randomBytes());
        Instant at = Instant.now();
        Properties fields = fields(moduleDir.toAbsolutePath().normalize(), planSha, digest, changes, destroyPlan,
                plannedBy, at, nonce);
        PlanId id = idOf(fields);
        Path dir = directory.resolve(id.value());
        Path staging = directory.resolve("staging-" + UUID.randomUUID());
        try {
            createDirectories(staging);
            Files.write(staging.resolve(PLAN), bytes, StandardOpenOption.CREATE_NEW);
            Properties stored = new Properties();
            stored.putAll(fields);
            digest.files().forEach((path, sha) -> stored.setProperty("file." + path, sha));
            StringWriter text = new StringWriter();
            stored.store(text, "MiniLab saved terraform plan " + id + "; its id is the hash of these fields");
            Files.writeString(staging.resolve(RECORD), text.toString(), StandardOpenOption.CREATE_NEW);
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteTree(staging);
            throw new MiniLabException("cannot store plan " + id + " under " + directory + ": " + e.getMessage());
        }
        return new StoredPlan(recordOf(id, fields), planSha, digest, bytes);
    }

    /**
     * The saved plan {@code id}, checked against its id; empty when there is none.
     *
     * @throws MiniLabException when its files no longer match the id (changed after planning)
     */
    Optional<StoredPlan> load(PlanId id) {
        Path dir = directory.resolve(id.value());
        if (!Files.isRegularFile(dir.resolve(RECORD))) {
            return Optional.empty();
        }
        Properties stored = new Properties();
        byte[] bytes;
        try (Reader in = new StringReader(Files.readString(dir.resolve(RECORD), StandardCharsets.UTF_8))) {
            stored.load(in);
            bytes = Files.readAllBytes(dir.resolve(PLAN));
        } catch (IOException | IllegalArgumentException e) {
            throw tampered(id, "its files cannot be read (" + e.getMessage() + ")");
        }
        SortedMap<String, String> files = new TreeMap<>();
        Properties fields = new Properties();
        for (String name : stored.stringPropertyNames()) {
            if (name.startsWith("file.")) {
                files.put(name.substring("file.".length()), stored.getProperty(name));
            } else {
                fields.setProperty(name, stored.getProperty(name));
            }
        }
        if (!FORMAT.equals(fields.getProperty("format")) || !idOf(fields).equals(id)) {
            throw tampered(id, "its record no longer hashes to its id");
        }
        ModuleDigest digest = ModuleDigest.ofFiles(files);
        if (!digest.sha256().equals(fields.getProperty("module_sha256"))) {
            throw tampered(id, "its module file list no longer matches its id");
        }
        String planSha = ModuleDigest.sha256(bytes);
        if (!planSha.equals(fields.getProperty("plan_sha256"))) {
            throw tampered(id, "its plan file is not the one that was planned");
        }
        try {
            return Optional.of(new StoredPlan(recordOf(id, fields), planSha, digest, bytes));
        } catch (RuntimeException e) {
            throw tampered(id, "its record is malformed (" + e.getMessage() + ")");
        }
    }

    /** Why {@code id} is no longer here when an apply attempt used it up; empty when it never was. */
    Optional<String> usedUpNote(PlanId id) {
        Path note = directory.resolve("used").resolve(id.value());
        try {
            return Files.isRegularFile(note) ? Optional.of(Files.readString(note).strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Removes the plan before it is applied (an apply attempt, whatever its outcome, uses the plan up). */
    void useUp(StoredPlan plan, String why) {
        Path used = directory.resolve("used");
        createDirectories(used);
        try {
            Files.writeString(used.resolve(plan.record().id().value()), why + "\n");
        } catch (IOException e) {
            throw new MiniLabException("cannot mark plan " + plan.record().id() + " as used: " + e.getMessage());
        }
        deleteTree(directory.resolve(plan.record().id().value()));
    }

    /** Writes the verified plan bytes to a new file for one terraform call; delete it with {@link #discard}. */
    Path privateCopy(StoredPlan plan) {
        Path runs = directory.resolve("run");
        createDirectories(runs);
        Path copy = runs.resolve(plan.record().id().value() + "-" + UUID.randomUUID() + ".tfplan");
        try {
            Files.write(copy, plan.planBytes(), StandardOpenOption.CREATE_NEW);
        } catch (IOException e) {
            throw new MiniLabException("cannot write a private copy of plan " + plan.record().id() + ": "
                    + e.getMessage());
        }
        return copy;
    }

    /** Deletes a file terraform wrote or read (a pending plan, a private copy). */
    public void discard(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new MiniLabException("cannot remove " + file + ": " + e.getMessage());
        }
    }

    private static Properties fields(Path moduleDir, String planSha, ModuleDigest digest, PlanActions changes,
                                     boolean destroyPlan, String plannedBy, Instant at, String nonce) {
        Properties p = new Properties();
        p.setProperty("format", FORMAT);
        p.setProperty("module", moduleDir.toString());
        p.setProperty("plan_sha256", planSha);
        p.setProperty("module_sha256", digest.sha256());
        p.setProperty("to_add", Integer.toString(changes.toAdd()));
        p.setProperty("to_change", Integer.toString(changes.toChange()));
        p.setProperty("to_destroy", Integer.toString(changes.toDestroy()));
        for (int i = 0; i < changes.destroyed().size(); i++) {
            p.setProperty("destroyed." + i, changes.destroyed().get(i));
        }
        p.setProperty("destroy_plan", Boolean.toString(destroyPlan));
        p.setProperty("planned_by", plannedBy);
        p.setProperty("planned_at", at.toString());
        p.setProperty("nonce", nonce);
        return p;
    }

    /** The id: the first 16 hex digits of the SHA-256 of every field (sorted; the file list is in module_sha256). */
    private static PlanId idOf(Properties fields) {
        StringBuilder text = new StringBuilder();
        fields.stringPropertyNames().stream().sorted().forEach(name ->
                text.append(name).append('=').append(fields.getProperty(name)).append('\n'));
        return new PlanId(ModuleDigest.sha256(text.toString().getBytes(StandardCharsets.UTF_8)).substring(0, 16));
    }

    private static PlanRecord recordOf(PlanId id, Properties f) {
        List<String> destroyed = new ArrayList<>();
        for (int i = 0; f.getProperty("destroyed." + i) != null; i++) {
            destroyed.add(f.getProperty("destroyed." + i));
        }
        return new PlanRecord(id, Path.of(f.getProperty("module")), Integer.parseInt(f.getProperty("to_add")),
                Integer.parseInt(f.getProperty("to_change")), Integer.parseInt(f.getProperty("to_destroy")), destroyed,
                Boolean.parseBoolean(f.getProperty("destroy_plan")), f.getProperty("planned_by"),
                Instant.parse(f.getProperty("planned_at")));
    }

    private static MiniLabException tampered(PlanId id, String what) {
        return new MiniLabException("plan " + id + " was changed after it was made (" + what + "); it is refused and "
                + "nothing ran. Run plan again and have the new plan_id reviewed");
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new MiniLabException("cannot create the plan folder " + dir + ": " + e.getMessage());
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new MiniLabException("cannot remove " + dir + ": " + e.getMessage());
        }
    }
}
