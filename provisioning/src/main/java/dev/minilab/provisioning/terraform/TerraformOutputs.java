package dev.minilab.provisioning.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.provisioning.backend.Guest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code terraform show -json} (managed resources in the state) and {@code terraform output -json} (guests). */
final class TerraformOutputs {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TerraformOutputs() {
    }

    /** Managed resources in the state (data sources excepted), child modules included. */
    static int managedResources(String showJson) throws IOException {
        JsonNode root = JSON.readTree(showJson);
        return count(root.path("values").path("root_module"));
    }

    private static int count(JsonNode module) {
        int n = 0;
        for (JsonNode resource : module.path("resources")) {
            if (!resource.has("mode") || resource.path("mode").asText().equals("managed")) {
                n++;
            }
        }
        for (JsonNode child : module.path("child_modules")) {
            n += count(child);
        }
        return n;
    }

    /** The guests from the outputs {@code ids}, {@code hostnames}, {@code ipv4_addresses} (lists, same order). */
    static List<Guest> guests(String outputJson) throws IOException {
        JsonNode root = JSON.readTree(outputJson);
        JsonNode ids = root.path("ids").path("value");
        JsonNode names = root.path("hostnames").path("value");
        JsonNode addresses = root.path("ipv4_addresses").path("value");
        List<Guest> guests = new ArrayList<>();
        int n = Math.max(ids.size(), names.size());
        for (int i = 0; i < n; i++) {
            String id = ids.has(i) ? ids.get(i).asText() : String.valueOf(i);
            String name = names.has(i) ? names.get(i).asText() : id;
            String address = addresses.has(i) && !addresses.get(i).isNull() ? addresses.get(i).asText() : null;
            guests.add(new Guest(id, name, address));
        }
        return guests;
    }
}
