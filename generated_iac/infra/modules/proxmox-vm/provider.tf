# Credentials come from the environment only: MiniLab hands PM_API_URL, PM_TOKEN_ID and PM_TOKEN_SECRET to terraform
# as TF_VAR_pm_api_url, TF_VAR_pm_token_id and TF_VAR_pm_token_secret. Never write them into a .tf or .tfvars file.
provider "proxmox" {
  # https://host:8006/ (no /api2/json): MiniLab normalises PM_API_URL to that form when it sets TF_VAR_pm_api_url.
  endpoint  = var.pm_api_url
  api_token = "${var.pm_token_id}=${var.pm_token_secret}"
  # Skips TLS verification (PM_TLS_INSECURE=true). The provider has no CA-file option: for a private CA, add the
  # CA to the system trust store of the machine that runs terraform instead.
  insecure = var.pm_tls_insecure
}
