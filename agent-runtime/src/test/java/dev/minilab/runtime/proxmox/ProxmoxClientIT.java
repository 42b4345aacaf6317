package dev.minilab.runtime.proxmox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.minilab.testkit.FreePort;
import dev.minilab.testkit.proxmox.ProxmoxApiServer;
import dev.minilab.testkit.proxmox.TestCa;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read-only client and the inventory reader against the Proxmox API fixture (HTTPS on loopback, a CA made at
 * test time, the default 3-node data with pve3 offline).
 */
class ProxmoxClientIT {

    @TempDir
    Path dir;
    private ProxmoxApiServer pve;

    @BeforeEach
    void start() {
        pve = ProxmoxApiServer.start();
    }

    @AfterEach
    void stop() {
        pve.close();
    }

    private Map<String, String> env(String... kv) {
        return Envs.with(pve.env(dir.resolve("pve-root-ca.pem")), kv);
    }

    private ProxmoxClient client(String... kv) {
        return new ProxmoxClient(ProxmoxSettings.fromEnv(env(kv), dir).orElseThrow());
    }

    @Test
    void everyRequestCarriesTheApiTokenHeader() {
        new InventoryReader(client()).read();

        assertThat(pve.requests()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.authorization()).isEqualTo("PVEAPIToken=" + pve.tokenId() + "=" + pve.tokenSecret());
            assertThat(r.authorized()).isTrue();
        });
    }

    @Test
    void tlsIsRefusedWithoutTheClusterCaAndAcceptedWithPmCaFile() {
        ProxmoxClient withoutCa = client("PM_CA_FILE", null);
        Path otherCa = TestCa.create().writeCaPem(dir.resolve("other-ca.pem"));
        ProxmoxClient wrongCa = client("PM_CA_FILE", otherCa.toString());

        assertThatThrownBy(() -> withoutCa.get("version")).isInstanceOf(ProxmoxException.class)
                .hasMessageStartingWith("GET /api2/json/version: TLS: the certificate of 127.0.0.1:" + port()
                        + " is not trusted")
                .hasMessageContaining("Set PM_CA_FILE to your cluster's CA certificate (copy /etc/pve/pve-root-ca.pem "
                        + "from a node)");
        assertThatThrownBy(() -> wrongCa.get("version")).hasMessageContaining("the current PM_CA_FILE " + otherCa
                + " did not sign it");
        assertThat(pve.requests()).isEmpty();
        assertThat(client().get("version").path("version").asText()).isEqualTo("8.3.0");
    }

    @Test
    void insecureTlsWorksAndIsWarnedAboutInTheInventory() {
        Inventory inventory = new InventoryReader(client("PM_CA_FILE", null, "PM_TLS_INSECURE", "true")).read();

        assertThat(inventory.insecureTls()).isTrue();
        assertThat(InventoryText.render(inventory)).contains("WARNING: PM_TLS_INSECURE=true: the Proxmox server's "
                + "certificate is NOT verified");
    }

    @Test
    void aRefusedTokenSays401AndWhichVariablesToCheckWithoutTheSecret() {
        ProxmoxClient wrong = client("PM_TOKEN_SECRET", "00000000-" + "0000-0000-0000-000000000000");

        assertThatThrownBy(() -> wrong.get("cluster/resources")).isInstanceOf(ProxmoxException.class)
                .satisfies(e -> assertThat(((ProxmoxException) e).status()).isEqualTo(401))
                .hasMessageStartingWith("GET /api2/json/cluster/resources → 401 Unauthorized: the API token was "
                        + "refused. Check PM_TOKEN_ID (user@realm!tokenname, now terraform@pve!minilab) and "
                        + "PM_TOKEN_SECRET")
                .hasMessageNotContaining(pve.tokenSecret()).hasMessageNotContaining("00000000-0000");
        assertThat(pve.requests()).singleElement().satisfies(r -> assertThat(r.authorized()).isFalse());
    }

    @Test
    void aMissingPrivilegeSays403AndWhichPrivilegeOnWhichPath() {
        try (ProxmoxApiServer denying = ProxmoxApiServer.builder().deny("cluster/status", "/", "Sys.Audit").start()) {
            Map<String, String> env = new HashMap<>(denying.env(dir.resolve("denying-ca.pem")));
            ProxmoxClient client = new ProxmoxClient(ProxmoxSettings.fromEnv(env, dir).orElseThrow());

            assertThatThrownBy(() -> client.get("cluster/status"))
                    .satisfies(e -> assertThat(((ProxmoxException) e).status()).isEqualTo(403))
                    .hasMessage("GET /api2/json/cluster/status → 403 Forbidden: Permission check failed (/, Sys.Audit). "
                            + "The token lacks Sys.Audit on /: grant it, e.g. pveum acl modify / --tokens "
                            + "'terraform@pve!minilab' --roles PVEAuditor (a token with privilege separation needs its "
                            + "own ACL entry).");
            // The inventory still reads; what was refused becomes a warning that says the same.
            Inventory inventory = new InventoryReader(client).read();
            assertThat(inventory.clusterName()).isEmpty();
            assertThat(inventory.warnings()).anyMatch(w -> w.startsWith("cluster status not read (GET "
                    + "/api2/json/cluster/status → 403 Forbidden: Permission check failed (/, Sys.Audit)"));
        }
    }

    @Test
    void anOlderServerWithoutAMessageStillGetsTheAuditorAdvice() {
        try (ProxmoxApiServer old = ProxmoxApiServer.builder().legacyErrors().deny("cluster/status", "/", "Sys.Audit")
                .start()) {
            ProxmoxClient client = new ProxmoxClient(ProxmoxSettings.fromEnv(old.env(dir.resolve("old-ca.pem")), dir)
                    .orElseThrow());

            assertThatThrownBy(() -> client.get("cluster/status"))
                    .hasMessage("GET /api2/json/cluster/status → 403 Forbidden. The token lacks a privilege for this "
                            + "path. MiniLab reads with Sys.Audit, VM.Audit and Datastore.Audit: give the token the "
                            + "PVEAuditor role on / (pveum acl modify / --tokens 'terraform@pve!minilab' --roles "
                            + "PVEAuditor).");
        }
    }

    @Test
    void theOfflineNodeIsReportedAndNeverAsked() {
        Inventory inventory = new InventoryReader(client()).read();

        assertThat(inventory.nodes()).extracting(Inventory.Node::name, Inventory.Node::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("pve1", "online"),
                        org.assertj.core.groups.Tuple.tuple("pve2", "online"),
                        org.assertj.core.groups.Tuple.tuple("pve3", "offline"));
        assertThat(pve.requests()).noneMatch(r -> r.pathAndQuery().startsWith("/api2/json/nodes/pve3"));
        assertThat(inventory.warnings()).contains("offline node(s): pve3 (nothing is placed there)");
        assertThat(InventoryText.render(inventory)).contains("  pve3  OFFLINE — nothing can be placed there");
        // Asked anyway, the node answers like pveproxy for an unreachable node.
        assertThatThrownBy(() -> client().get("nodes/pve3/status"))
                .satisfies(e -> assertThat(((ProxmoxException) e).status()).isEqualTo(595))
                .hasMessageContaining("it may be offline");
    }

    @Test
    void theInventoryCarriesTheFixturesNumbers() {
        Inventory inv = new InventoryReader(client()).read();

        Inventory.Node pve2 = inv.node("pve2").orElseThrow();
        assertThat(pve2.maxCpu()).isEqualTo(16);
        assertThat(pve2.cpu()).isEqualTo(0.12);
        assertThat(pve2.mem()).isEqualTo(16L << 30);
        assertThat(pve2.maxMem()).isEqualTo(64L << 30);
        assertThat(pve2.cores()).isEqualTo(8);
        assertThat(inv.clusterName()).isEqualTo("lab");
        assertThat(inv.storagesOn("pve2")).extracting(Inventory.Storage::storage)
                .containsExactly("local", "local-lvm", "nfs-shared");
        assertThat(inv.storage("pve2", "local-lvm").orElseThrow().avail()).isEqualTo(285L << 30);
        assertThat(inv.vmTemplates()).extracting(Inventory.Guest::vmid, Inventory.Guest::diskStorages)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(9000, List.of("nfs-shared")),
                        org.assertj.core.groups.Tuple.tuple(9001, List.of("local-lvm")));
        assertThat(inv.ctTemplatesOn("pve1")).extracting(Inventory.CtTemplate::volid).containsExactlyInAnyOrder(
                "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
                "local:vztmpl/ubuntu-24.04-standard_24.04-2_amd64.tar.zst");
        assertThat(inv.guests().stream().filter(g -> !g.template())).hasSize(12);
        assertThat(inv.nextVmid()).isEqualTo(109);
        // The text the model and ./minilab inventory get.
        String text = InventoryText.render(inv);
        assertThat(text).startsWith("Proxmox VE 8.3.0, cluster \"lab\", 3 node(s), 2 online")
                .contains("  pve2  online  16 CPUs (1x8 cores)  cpu 12%  memory 16.0 / 64.0 GiB used (25%)")
                .contains("    local-lvm  lvmthin [images,rootdir]  285.0 / 380.0 GiB free")
                .contains("  9000  ubuntu-24.04-cloud  on pve1  disks on nfs-shared")
                .contains("  104  vm  gitlab  pve2  running")
                .contains("next free VMID: 109");
    }

    @Test
    void aNextidHeldByAGuestIsMovedPastEveryTakenId() {
        ObjectNode data = ProxmoxApiServer.defaultData();
        data.put("nextid", "103");
        try (ProxmoxApiServer stale = ProxmoxApiServer.builder().data(data).start()) {
            ProxmoxClient client = new ProxmoxClient(ProxmoxSettings.fromEnv(stale.env(dir.resolve("s.pem")), dir)
                    .orElseThrow());

            assertThat(new InventoryReader(client).read().nextVmid()).isEqualTo(109);
        }
    }

    @Test
    void aClosedPortSaysCannotConnectAndNamesPmApiUrl() {
        int port = FreePort.find();
        ProxmoxClient client = client("PM_API_URL", "https://127.0.0.1:" + port);

        assertThatThrownBy(() -> client.get("version")).hasMessageStartingWith("GET /api2/json/version: cannot "
                + "connect to 127.0.0.1:" + port).hasMessageContaining("Check PM_API_URL");
    }

    private int port() {
        return Integer.parseInt(pve.url().substring(pve.url().lastIndexOf(':') + 1));
    }
}
