package dev.minilab.runtime.hcl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minilab.runtime.iac.Scope;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
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
            // Unknown without an instance either way: an operator tree in native syntax, an unparsed interpolation in
            // JSON syntax (whose ${...} expressions are not parsed beyond plain references).
            assertThat(Scope.empty().eval(body.expr("vm_id").orElseThrow())).isSameAs(Scope.UNKNOWN);
            assertThat(body.expr("tags")).contains(new HclExpr.TupleExpr(List.of(new HclExpr.Literal("web"),
                    new HclExpr.Literal("prod"))));
            assertThat(body.nested("clone").getFirst().body().expr("vm_id"))
                    .contains(new HclExpr.Literal(new BigDecimal("9000")));
            assertThat(body.nested("disk").getFirst().body().expr("datastore_id"))
                    .contains(new HclExpr.Reference(List.of("local", "ds")));
        }
    }

    @Test
    void operatorsAndConditionalsBecomeATreeByTerraformsPrecedence() {
        HclBody body = HclParser.parseNative(Path.of("main.tf"), """
                a = var.vm_id == null ? null : var.vm_id + count.index
                b = (var.x + 1) * 2
                c = var.x + 1 * 2
                d = !var.enabled
                e = var.a ? var.b ? 1 : 2 : 3
                """).body();
        HclExpr vmId = new HclExpr.Reference(List.of("var", "vm_id"));
        HclExpr x = new HclExpr.Reference(List.of("var", "x"));
        HclExpr one = new HclExpr.Literal(new BigDecimal("1"));
        HclExpr two = new HclExpr.Literal(new BigDecimal("2"));

        assertThat(body.expr("a")).contains(new HclExpr.Conditional(
                new HclExpr.Binary("==", vmId, new HclExpr.Literal(null)), new HclExpr.Literal(null),
                new HclExpr.Binary("+", vmId, new HclExpr.Reference(List.of("count", "index")))));
        assertThat(body.expr("b")).contains(new HclExpr.Binary("*", new HclExpr.Binary("+", x, one), two));
        assertThat(body.expr("c")).contains(new HclExpr.Binary("+", x, new HclExpr.Binary("*", one, two)));
        assertThat(body.expr("d").orElseThrow()).isInstanceOf(HclExpr.Other.class);
        assertThat(body.expr("e")).contains(new HclExpr.Conditional(new HclExpr.Reference(List.of("var", "a")),
                new HclExpr.Conditional(new HclExpr.Reference(List.of("var", "b")), one, two),
                new HclExpr.Literal(new BigDecimal("3"))));
    }

    @Test
    void anExpressionIsEvaluatedPerInstanceOnlyWhereTerraformWouldGiveTheSameValue() {
        HclExpr vmId = HclParser.parseNative(Path.of("main.tf"),
                "a = var.vm_id == null ? null : var.vm_id + count.index\n").body().expr("a").orElseThrow();
        Map<String, Object> set = Map.of("vm_id", new BigDecimal("200"));
        Map<String, Object> unset = new java.util.HashMap<>();
        unset.put("vm_id", null);

        assertThat(new Scope(set, Map.of()).withCountIndex(2).integer(vmId)).contains(202);
        assertThat(new Scope(set, Map.of()).eval(vmId)).as("count.index unknown").isSameAs(Scope.UNKNOWN);
        assertThat(new Scope(unset, Map.of()).withCountIndex(0).eval(vmId)).isNull();
        assertThat(Scope.empty().withCountIndex(0).eval(vmId)).as("vm_id unknown").isSameAs(Scope.UNKNOWN);
        HclExpr typed = HclParser.parseNative(Path.of("main.tf"), "a = var.n == 200\n").body().expr("a").orElseThrow();
        assertThat(new Scope(Map.of("n", "200"), Map.of()).eval(typed))
                .as("string vs number: terraform converts by the variable's type, which is not known here")
                .isSameAs(Scope.UNKNOWN);
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
