package dev.minilab.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A stand-in for MiniLab's {@code proxmox-lxc} Terraform module for tests that run a real plan and apply where the
 * bpg/proxmox provider cannot be downloaded: the same inputs the tests set ({@code node_name}, {@code hostname}) and
 * the same outputs the pipeline reads ({@code ids}, {@code hostnames}, {@code ipv4_addresses}), over one
 * {@code terraform_data} resource whose {@code local-exec} provisioner runs a command of the test's on apply.
 */
public final class LxcModuleStandIn {

    private LxcModuleStandIn() {
    }

    /**
     * Writes the module's {@code main.tf} into {@code directory} (created if missing) with {@code onApply} as the
     * shell command the apply runs; returns {@code directory}.
     */
    public static Path write(Path directory, String onApply) {
        try {
            Files.createDirectories(directory);
            Files.writeString(directory.resolve("main.tf"), """
                    variable "node_name" {
                      type = string
                    }

                    variable "hostname" {
                      type = string
                    }

                    resource "terraform_data" "this" {
                      input = var.node_name
                      provisioner "local-exec" {
                        command = "%s"
                      }
                    }

                    output "ids" {
                      value = ["200"]
                    }

                    output "hostnames" {
                      value = [var.hostname]
                    }

                    output "ipv4_addresses" {
                      value = ["127.0.0.1"]
                    }
                    """.formatted(onApply));
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the stand-in lxc module into " + directory, e);
        }
    }
}
