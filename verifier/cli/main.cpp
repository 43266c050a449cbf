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
    R"(licet-verify — check licet license files offline

Usage:
  licet-verify [verify] --public-key K4_OR_FILE [--product P] [--device ID | --app APP_ID]
               [--state-dir DIR] [--revocations FILE | --sync URL] [--release-date DATE]
               [--allow-device-id-env] [--json] LICENSE_FILE
  licet-verify device-id --app APP_ID [--allow-device-id-env]
  licet-verify activation-request --app APP_ID --license-key KEY [--out FILE]
               [--allow-device-id-env]
  licet-verify activate --server URL --license-key KEY --app APP_ID --state-dir DIR
               --public-key K4_OR_FILE [--product P] [--device ID] [--allow-device-id-env]
               [--json]
  licet-verify --help | --version

verify (the default command) checks LICENSE_FILE ("-" reads stdin; a pipe such as <(…) works,
a device or directory is refused):
  --public-key K4_OR_FILE  a trusted "k4.public.…" key, or a file with one key per line
                           ("#" comments allowed); repeat to trust several keys
  --product P              the product the license must be for; when omitted, the license's
                           own product (aud) is accepted, to inspect any license file
  --device ID              check against this device ID instead of this machine's
  --app APP_ID             compute this machine's device ID for APP_ID (default: the product)
  --state-dir DIR          clock guard and revocation cache directory (default: none)
  --revocations FILE       a signed revocation feed file
  --sync URL               sync the revocation feed from URL
  --release-date DATE      this build's release date (YYYY-MM-DD or RFC 3339), checked
                           against the license's maintenance date
  --allow-device-id-env    take this machine's device ID from LICET_DEVICE_ID when it is set
                           (support scripts, containers); without it the variable is ignored,
                           as in applications that do not opt in
  --json                   print {"valid":true,"claims":{…}} or
                           {"valid":false,"error":"<code>","message":"…"} on stdout

device-id prints this machine's device ID for APP_ID (LICET_DEVICE_ID instead, with
--allow-device-id-env).
activation-request writes an offline activation request (JSON) for the vendor to answer with
`licet activation respond`; to stdout, or atomically to --out FILE.
activate asks a `licet serve` activation server for a seat for this device, then verifies the
returned license (with --public-key, for --product, default APP_ID) and stores it in DIR.

Exit codes:
  0  valid
  1  usage error
  2  malformed, io_error (not a license file, or unreadable)
  3  bad_signature, unknown_key (not signed by a trusted key)
  4  wrong_product, device_not_bound
  5  not_yet_valid, expired, maintenance_expired, clock_tampered
  6  revoked, superseded, stale_revocations
  7  activate: no usable answer (network, timeout, TLS, server error, rate limited)
activate also exits 4 when the seats are full, 5 expired, 6 revoked, 2 unknown license.
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
