// licet-verify: checks license files for support staff and scripts. Links only the verifier.
#include <cstdio>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "commands.hpp"
#include "licet/verifier.hpp"

namespace licet::cli {

const char* const kHelpText =
    R"(licet-verify — check licet license files; activate and deactivate this device

Usage:
  licet-verify [verify] --public-key K4_OR_FILE [--product P] [--device ID | --app APP_ID]
               [--state-dir DIR] [--revocations FILE | --sync URL] [--release-date DATE]
               [--json] LICENSE_FILE
  licet-verify device-id --app APP_ID
  licet-verify activate --server URL --license-key KEY --app APP_ID --state-dir DIR
               --public-key K4_OR_FILE [--product P] [--device ID] [--device-name NAME]
               [--ca-file PEM] [--timeout SECONDS] [--json]
  licet-verify verify-stored --state-dir DIR --public-key K4_OR_FILE [--product P]
               [--app APP_ID | --device ID] [--json]
  licet-verify deactivate --server URL --state-dir DIR --public-key K4_OR_FILE
               [--app APP_ID | --device ID] [--ca-file PEM] [--timeout SECONDS] [--json]
  licet-verify sync --state-dir DIR --public-key K4_OR_FILE [--url URL] [--timeout SECONDS]
               [--json]
  licet-verify store LICENSE_FILE --state-dir DIR --public-key K4_OR_FILE [--product P]
               [--app APP_ID | --device ID] [--json]
  licet-verify activation-request --app APP_ID --license-key KEY --state-dir DIR
               [--product P] [--device ID] [--device-name NAME] [--out FILE]
  licet-verify deactivation-request --state-dir DIR [--app APP_ID | --device ID] [--out FILE]
  licet-verify --help | --version

Every --public-key K4_OR_FILE is a trusted "k4.public.…" key, or a file with one key per line
("#" comments allowed), as `licet key export-public` writes it; repeat to trust several keys.

verify (the default command) checks LICENSE_FILE ("-" reads stdin):
  --product P              the product the license must be for; when omitted, the license's
                           own product (aud) is accepted, to inspect any license file
  --device ID              check against this device ID instead of this machine's
  --app APP_ID             compute this machine's device ID for APP_ID (default: the product)
  --state-dir DIR          clock guard and revocation cache directory (default: none)
  --revocations FILE       a signed revocation feed file
  --sync URL               download the revocation feed from URL first
  --release-date DATE      this build's release date (YYYY-MM-DD or RFC 3339), checked
                           against the license's maintenance date
  --allow-device-id-env    take this machine's device ID from LICET_DEVICE_ID when it is set
                           (support scripts, containers); without it the variable is ignored,
                           as in applications that do not opt in
  --json                   print {"valid":true,"claims":{…}} or
                           {"valid":false,"error":"<code>","message":"…"} on stdout

device-id prints this machine's device ID for APP_ID (LICET_DEVICE_ID instead, with
--allow-device-id-env). Every command that computes the device ID takes --allow-device-id-env.
activate asks a `licet serve` activation server for a seat for this device (creating the
device key in DIR on first use), verifies the returned license for --product (default APP_ID)
and only then stores it in DIR.
verify-stored checks the license stored in DIR, offline, as the app does at every launch.
deactivate frees this device's seat with a request signed by its device key, then removes the
stored license; after transfer_cap (or any failure) everything stays as it was.
sync downloads the revocation feed (--url, else the stored license's sync URL) into DIR.
store verifies LICENSE_FILE (e.g. the vendor's answer to an activation request) and only then
stores it in DIR.
activation-request writes an offline activation request (JSON, with this device's key) for
the vendor's `licet activation respond`; to stdout, or atomically to --out FILE.
deactivation-request writes an offline deactivation request signed by the device key (valid
30 days) for the vendor's `licet activation deactivate`, then removes the stored license.

Exit codes:
  0  valid; or done (activated, already_active, deactivated, updated, unchanged)
  1  usage error
  2  malformed, io_error (not a license file, unreadable); bad_request, unknown_license,
     nothing_to_sync
  3  bad_signature, unknown_key (not signed by a trusted key); invalid_token,
     device_key_mismatch
  4  wrong_product, device_not_bound; seats_full, not_activatable
  5  not_yet_valid, expired, maintenance_expired, clock_tampered, lease_expired
  6  revoked, superseded, stale_revocations
  7  no usable answer from the server: network_error, timeout, tls_error, server_error,
     rate_limited, unavailable
  8  not_activated (no license is stored); not_active (the server holds no seat)
  9  the seat was not freed: transfer_cap, no_device_key
Errors print "licet-verify: <code>: <message>" on stderr.
)";

namespace {

bool is_help(std::string_view a) {
  return a == "--help" || a == "-h" || a == "help";
}

int dispatch(const std::vector<std::string>& argv) {
  if (argv.empty()) {
    std::fputs(kHelpText, stderr);
    return kExitUsage;
  }
  const std::string& first = argv[0];
  if (is_help(first)) {
    std::fputs(kHelpText, stdout);
    return kExitValid;
  }
  if (first == "--version") {
    const auto v = library_version();
    std::printf("licet-verify %.*s\n", static_cast<int>(v.size()), v.data());
    return kExitValid;
  }
  const std::vector<std::string> rest(argv.begin() + 1, argv.end());
  for (const auto& a : rest) {
    if (a == "--help" || a == "-h") {
      std::fputs(kHelpText, stdout);
      return kExitValid;
    }
    if (a == "--") break;
  }
  if (first == "verify") return run_verify(rest);
  if (first == "device-id") return run_device_id(rest);
  if (first == "activation-request") return run_activation_request(rest);
  if (first == "activate") return run_activate(rest);
  if (first == "deactivate") return run_deactivate(rest);
  if (first == "deactivation-request") return run_deactivation_request(rest);
  if (first == "sync") return run_sync(rest);
  if (first == "store") return run_store(rest);
  if (first == "verify-stored") return run_verify_stored(rest);
  if (first.rfind("-", 0) != 0 && first.find('.') == std::string::npos &&
      first.find('/') == std::string::npos && argv.size() == 1) {
    return usage_error("unknown command '" + first + "'");
  }
  return run_verify(argv);  // verify is the default command
}

}  // namespace
}  // namespace licet::cli

int main(int argc, char** argv) {
  try {
    std::vector<std::string> args(argv + 1, argv + argc);
    return licet::cli::dispatch(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "licet-verify: internal error: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "licet-verify: internal error\n");
  }
  return licet::cli::kExitMalformed;
}
