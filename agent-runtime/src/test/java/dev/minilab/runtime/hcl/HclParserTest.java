package dev.minilab.runtime.hcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Native and JSON syntax parse into one model; what cannot be known without terraform stays unknown. */
class HclParserTest {

    private static final String NATIVE = """
            terraform {
              required_providers {
                proxmox = {
                  source  = "bpg/proxmox"
                  version = "~> 0.73"
                }
              }
            }

            resource "proxmox_virtual_environment_vm" "web" {
              node_name = var.node
              name      = "web-${var.env}"
              vm_id     = 105 + count.index
              tags      = ["web", "prod"]
              clone {
                vm_id = 9000
              }
              disk {
                datastore_id = local.ds
                size         = 20
              }
            }
            """;

    private static final String JSON = """
            {
              "terraform": {"required_providers": {"proxmox": {"source": "bpg/proxmox", "version": "~> 0.73"}}},
              "resource": {"proxmox_virtual_environment_vm": {"web": {
                "node_name": "${var.node}",
                "name": "web-${var.env}",
                "vm_id": "${105 + count.index}",
                "tags": ["web", "prod"],
                "clone": {"vm_id": 9000},
                "disk": [{"datastore_id": "${local.ds}", "size": 20}]
              }}}
            }
            """;

    @Test
    void nativeAndJsonSyntaxGiveTheSameModel() {
        for (HclFile file : List.of(HclParser.parseNative(Path.of("main.tf"), NATIVE),
                HclParser.parseJson(Path.of("main.tf.json"), JSON))) {
            HclBlock terraform = file.body().blocks("terraform").getFirst();
            HclBody providers = terraform.body().nested("required_providers").getFirst().body();
            HclExpr.ObjectExpr proxmox = (HclExpr.ObjectExpr) providers.expr("proxmox").orElseThrow();
            assertThat(proxmox.entries().get("source")).isEqualTo(new HclExpr.Literal("bpg/proxmox"));

            HclBlock vm = file.body().blocks("resource").getFirst();
            assertThat(vm.labels()).containsExactly("proxmox_virtual_environment_vm", "web");
            HclBody body = vm.body();
            assertThat(body.expr("node_name")).contains(new HclExpr.Reference(List.of("var", "node")));
            assertThat(body.expr("name")).contains(new HclExpr.Template(List.of(new HclExpr.Literal("web-"),
                    new HclExpr.Reference(List.of("var", "env")))));
            assertThat(body.expr("vm_id").orElseThrow()).isInstanceOf(HclExpr.Other.class);
            assertThat(body.expr("tags")).contains(new HclExpr.TupleExpr(List.of(new HclExpr.Literal("web"),
                    new HclExpr.Literal("prod"))));
            assertThat(body.nested("clone").getFirst().body().expr("vm_id"))
                    .contains(new HclExpr.Literal(new BigDecimal("9000")));
            assertThat(body.nested("disk").getFirst().body().expr("datastore_id"))
                    .contains(new HclExpr.Reference(List.of("local", "ds")));
        }
    }

    @Test
    void nativeLinesAreOneBased() {
        HclFile file = HclParser.parseNative(Path.of("main.tf"), NATIVE);

        HclBlock vm = file.body().blocks("resource").getFirst();
        assertThat(vm.body().attribute("node_name").orElseThrow().line()).isEqualTo(11);
    }

    @Test
    void syntaxErrorsNameTheFile() {
        assertThatThrownBy(() -> HclParser.parseNative(Path.of("bad.tf"), "x = \"unterminated\n"))
                .isInstanceOf(HclSyntaxException.class).hasMessageStartingWith("bad.tf: not valid HCL");
        assertThatThrownBy(() -> HclParser.parseNative(Path.of("bad.tf"), "resource \"a\" \"b\" {\n  x = \n}\n"))
                .isInstanceOf(HclSyntaxException.class).hasMessageContaining("bad.tf line 2: attribute \"x\" has no "
                        + "value");
        assertThatThrownBy(() -> HclParser.parseJson(Path.of("bad.tf.json"), "{\"resource\": "))
                .isInstanceOf(HclSyntaxException.class).hasMessageStartingWith("bad.tf.json: not valid JSON at line 1");
    }

    @Test
    void aDataHttpBlockIsParsedNotFetched() throws Exception {
        // hcl4j's full parser (HCLParser.parse) GETs a data "http" URL while parsing; only its lexer is used here.
        java.util.concurrent.atomic.AtomicInteger hits = new java.util.concurrent.atomic.AtomicInteger();
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            hits.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/secret-exfil";
            String text = "data \"http\" \"x\" {\n  url = \"" + url + "\"\n}\noutput \"b\" { value = data.http.x.body }\n";
            HclFile file = HclParser.parseNative(Path.of("main.tf"), text);

            assertThat(file.body().blocks("output").getFirst().body().expr("value"))
                    .contains(new HclExpr.Reference(List.of("data", "http", "x", "body")));
            // Parsing is synchronous: a fetch would have happened before parseNative returned.
            assertThat(hits.get()).isZero();
            // The mechanism guarded against: hcl4j's evaluator would fetch; here it cannot even load its HTTP client,
            // which the parent POM leaves out.
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> new com.bertramlabs.plugins.hcl4j.HCLParser()
                    .parse(text, true)).isInstanceOf(NoClassDefFoundError.class);
            assertThat(hits.get()).isZero();
        } finally {
            server.stop(0);
        }
    }
}
