package dev.minilab.runtime.approval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.minilab.runtime.tools.terraform.PlanGate;
import java.time.Instant;
import java.util.Optional;

/**
 * A plan as hash {@code plan_records} keeps it for review: what it changes, who made it and when.
 *
 * @param plan    the plan as run_terraform reported it
 * @param created when it was recorded (a verdict must be newer)
 */
public record PlanRecord(PlanGate.Plan plan, Instant created) {

    private static final ObjectMapper JSON = new ObjectMapper();

    String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("plan_id", plan.planId());
        node.put("module", plan.module());
        node.put("add", plan.add());
        node.put("change", plan.change());
        node.put("destroy", plan.destroy());
        node.put("destroy_plan", plan.destroyPlan());
        node.put("planned_by", plan.plannedBy());
        node.put("created", created.toString());
        return node.toString();
    }

    static Optional<PlanRecord> fromJson(String json) {
        if (json == null) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(json);
            return Optional.of(new PlanRecord(new PlanGate.Plan(node.path("plan_id").asText(),
                    node.path("module").asText(), node.path("add").asInt(), node.path("change").asInt(),
                    node.path("destroy").asInt(), node.path("destroy_plan").asBoolean(),
                    node.path("planned_by").asText()), Instant.parse(node.path("created").asText())));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
