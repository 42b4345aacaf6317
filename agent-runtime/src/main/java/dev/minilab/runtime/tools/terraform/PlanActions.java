package dev.minilab.runtime.tools.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.runtime.MiniLabException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The resource actions of a saved plan, read from {@code terraform show -json PLANFILE} ({@code resource_changes[]
 * .change.actions}): {@code create}, {@code update}, {@code delete}, and a replacement as {@code [delete, create]} or
 * {@code [create, delete]}. {@code read}, {@code no-op} and {@code forget} change nothing real and are not counted.
 *
 * @param toAdd     creations (replacements included)
 * @param toChange  in-place updates
 * @param toDestroy deletions (replacements included)
 * @param destroyed address of each deleted resource, {@code (replace)} appended for a replacement
 */
public record PlanActions(int toAdd, int toChange, int toDestroy, List<String> destroyed) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public PlanActions {
        destroyed = List.copyOf(destroyed);
    }

    /** Parses the JSON plan; throws {@link MiniLabException} when it is not one. */
    public static PlanActions parse(String showJson) {
        JsonNode root;
        try {
            root = JSON.readTree(showJson);
        } catch (IOException e) {
            throw new MiniLabException("terraform show -json did not print a JSON plan (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new MiniLabException("terraform show -json did not print a JSON plan");
        }
        int add = 0;
        int change = 0;
        int destroy = 0;
        List<String> destroyed = new ArrayList<>();
        for (JsonNode resource : root.path("resource_changes")) {
            List<String> actions = new ArrayList<>();
            resource.path("change").path("actions").forEach(a -> actions.add(a.asText()));
            boolean deletes = actions.contains("delete");
            boolean creates = actions.contains("create");
            if (creates) {
                add++;
            }
            if (actions.contains("update")) {
                change++;
            }
            if (deletes) {
                destroy++;
                destroyed.add(resource.path("address").asText("?") + (creates ? " (replace)" : ""));
            }
        }
        return new PlanActions(add, change, destroy, destroyed);
    }
}
