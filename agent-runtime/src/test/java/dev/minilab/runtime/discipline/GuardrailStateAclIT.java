package dev.minilab.runtime.discipline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.runtime.approval.Approver;
import dev.minilab.runtime.approval.PlanReviews;
import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.RedisAcl;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.tools.terraform.PlanGate;
import dev.minilab.testkit.RedisExtension;
import dev.minilab.testkit.RedisServer;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The guardrails' Redis state works for a per-role ACL user (the Redis ./minilab up starts): the functions of the
 * request ledger and the gate's hashes are within what the ACL line grants, and concurrent-safe counts add up.
 */
@ExtendWith(RedisExtension.class)
class GuardrailStateAclIT {

    private final RedisServer redis;

    GuardrailStateAclIT(RedisServer redis) {
        this.redis = redis;
    }

    @Test
    void ledgerAndGateRunAsAnAgentsAclUser() {
        BusKeys keys = new BusKeys("acl" + UUID.randomUUID().toString().substring(0, 8) + ":");
        String line = RedisAcl.userLine("DevOps_Builder", "devops-pw", keys, false, DisciplineKeys.of(keys).all());
        List<String> args = new ArrayList<>(List.of("ACL", "SETUSER"));
        args.addAll(Arrays.asList(line.substring("user ".length()).split(" ")));
        redis.command(args.toArray(String[]::new));
        // the User side loads the library (agents may not), and the bus has handed out seqs up to 10: the request
        // counters refuse a seq never handed out
        redis.command("FUNCTION", "LOAD", "REPLACE", dev.minilab.runtime.bus.BusFunctions.source());
        redis.command("SET", keys.sequence(), "10");

        try (TeamBus bus = TeamBus.connect(new BusSettings("redis://devops_builder:devops-pw@" + redis.host() + ":"
                + redis.port(), 80, keys, Duration.ofSeconds(3)))) {
            RequestLedger ledger = new RequestLedger(bus.commands(), DisciplineKeys.of(keys));
            Message first = Message.chat("User", "build").withSeq(5);

            assertThat(ledger.startRequest(first)).isTrue();
            assertThat(ledger.startRequest(first)).isFalse(); // a second copy of the same message changes nothing
            ledger.countHop();
            ledger.addUsage("DevOps_Builder", 1000, Optional.of(new BigDecimal("0.25")));
            RequestLedger.Totals totals = ledger.addUsage("QA_Tester", 500, Optional.empty());
            assertThat(ledger.halt(HaltReason.COST, "over", "DevOps_Builder")).isTrue();
            assertThat(ledger.halt(HaltReason.HOPS, "again", "QA_Tester")).isFalse();
            assertThat(ledger.markReported()).isTrue();
            RequestState state = ledger.state();

            assertThat(totals.tokens()).isEqualTo(1500);
            assertThat(totals.costUsd()).isEqualByComparingTo("0.25");
            assertThat(state.hops()).isEqualTo(1);
            assertThat(state.unpricedTokens()).isEqualTo(500);
            assertThat(state.tokensOf("DevOps_Builder")).isEqualTo(1000);
            assertThat(state.halt()).contains(HaltReason.COST);
            assertThat(state.reported()).isTrue();
            assertThat(ledger.startRequest(Message.chat("User", "next").withSeq(9))).isTrue();
            assertThat(ledger.state().halted()).isFalse();
            assertThat(ledger.state().tokens()).isZero();

            PlanReviews gate = new PlanReviews("DevOps_Builder", Approver.SECURITY, bus, s -> s);
            gate.planned(new PlanGate.Plan("0123456789abcdef", "generated_iac/infra/web", 1, 0, 0, false,
                    "DevOps_Builder"));
            assertThat(gate.refuseApply("0123456789abcdef", "generated_iac/infra/web")).hasValueSatisfying(
                    why -> assertThat(why).contains("has no verdict yet"));
        }
    }
}
