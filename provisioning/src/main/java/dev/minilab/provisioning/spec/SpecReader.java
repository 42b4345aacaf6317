package dev.minilab.provisioning.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.provisioning.ProvisioningException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads a spec from JSON:
 * <pre>{@code
 * {"name": "web", "kind": "lxc",
 *  "variables": {"node_name": "pve1", "hostname": "web", "template_file_id": "local:vztmpl/…", …},
 *  "expected_count": 1,
 *  "checks": {"ssh": true, "ssh_user": "root", "os": "debian 12", "health_command": "systemctl is-system-running --wait"},
 *  "destroy_on_failure": false}
 * }</pre>
 * Every error names the field and what is expected. Credentials ({@code pm_*}) are refused as variables: they come
 * from the environment.
 */
public final class SpecReader {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("name", "kind", "variables", "expected_count", "checks",
            "destroy_on_failure");
    private static final Set<String> CHECK_FIELDS = Set.of("ssh", "ssh_user", "os", "health_command");
    private static final Set<String> REQUIRED_VARIABLES = Set.of("node_name", "hostname");

    private SpecReader() {
    }

    public static ProvisionSpec read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            throw new ProvisioningException("cannot read the spec " + file + ": " + e.getMessage());
        }
    }

    public static ProvisionSpec parse(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ProvisioningException("the spec is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ProvisioningException("the spec must be a JSON object with name, kind and variables");
        }
        return fromJson(root);
    }

    public static ProvisionSpec fromJson(JsonNode root) {
        unknownFields(root, FIELDS, "spec");
        String name = text(root, "name").orElseThrow(() -> invalid("name", "a deployment name such as \"web\""));
        if (!ProvisionSpec.NAME.matcher(name).matches()) {
            throw invalid("name", "lower-case letters, digits and dashes, starting with a letter (got \"" + name
                    + "\")");
        }
        String kindText = text(root, "kind").orElseThrow(() -> invalid("kind", "\"lxc\" or \"vm\""));
        GuestKind kind = GuestKind.parse(kindText).orElseThrow(
                () -> invalid("kind", "\"lxc\" or \"vm\" (got \"" + kindText + "\")"));
        JsonNode vars = root.get("variables");
        if (vars == null || !vars.isObject()) {
            throw invalid("variables", "an object of module variables (node_name, hostname, ...)");
        }
        TreeMap<String, JsonNode> values = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = vars.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith("pm_")) {
                throw invalid("variables." + e.getKey(), "no credentials in a spec: PM_API_URL, PM_TOKEN_ID and "
                        + "PM_TOKEN_SECRET come from the environment (.env)");
            }
            values.put(e.getKey(), e.getValue());
        }
        for (String required : REQUIRED_VARIABLES) {
            if (!values.containsKey(required) || values.get(required).asText().isBlank()) {
                throw invalid("variables." + required, "a non-empty value");
            }
        }
        String template = kind == GuestKind.LXC ? "template_file_id" : "template_vmid";
        if (!values.containsKey(template)) {
            throw invalid("variables." + template, kind == GuestKind.LXC
                    ? "the CT template volume id, e.g. local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"
                    : "the VMID of the cloud-init template to clone, e.g. 9000");
        }
        Variables variables = new Variables(values);
        int expected = ProvisionSpec.instanceCount(variables);
        JsonNode count = root.get("expected_count");
        if (count != null && !count.isNull()) {
            if (!count.canConvertToInt() || count.asInt() < 1) {
                throw invalid("expected_count", "a whole number >= 1");
            }
            expected = count.asInt();
        }
        Checks checks = checks(root.get("checks"));
        boolean destroy = bool(root, "destroy_on_failure", false);
        return new ProvisionSpec(name, kind, variables, expected, checks, destroy);
    }

    private static Checks checks(JsonNode node) {
        if (node == null || node.isNull()) {
            return Checks.defaults();
        }
        if (!node.isObject()) {
            throw invalid("checks", "an object with ssh, ssh_user, os, health_command");
        }
        unknownFields(node, CHECK_FIELDS, "checks");
        return new Checks(bool(node, "ssh", true), text(node, "ssh_user"), text(node, "os"),
                text(node, "health_command").orElse(Checks.DEFAULT_HEALTH_COMMAND));
    }

    private static void unknownFields(JsonNode node, Set<String> allowed, String where) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!allowed.contains(field)) {
                throw new ProvisioningException("unknown field '" + field + "' in " + where + "; allowed: "
                        + new java.util.TreeSet<>(allowed));
            }
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isValueNode()) {
            throw invalid(field, "a string");
        }
        String text = value.asText().strip();
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    private static boolean bool(JsonNode node, String field, boolean fallback) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw invalid(field, "true or false");
        }
        return value.booleanValue();
    }

    private static ProvisioningException invalid(String field, String expected) {
        return new ProvisioningException("spec field '" + field + "' is missing or invalid: expected " + expected);
    }
}
