// `device-id`, and the offline requests: `activation-request` and `deactivation-request`
// (docs/FORMAT.md, "Activation request", "Deactivation request").
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "args.hpp"
#include "cli_support.hpp"
#include "commands.hpp"
#include "licet/common/file_io.hpp"
#include "licet/verifier.hpp"

namespace licet::cli {
namespace {

// The request on stdout, or atomically into --out.
int deliver(const Args& a, const std::string& json, const char* what) {
  if (auto out = a.get("out")) {
    if (auto s = write_file_atomic(*out, json, 0644); !s) return fail(s.error());
    std::fprintf(stderr, "licet-verify: %s written to %s\n", what, out->c_str());
  } else {
    std::fwrite(json.data(), 1, json.size(), stdout);
    std::fflush(stdout);
    if (std::ferror(stdout)) {
      return fail(make_error(ErrorCode::io_error, std::string("cannot write the ") + what));
    }
  }
  return kExitValid;
}

}  // namespace

int run_device_id(const std::vector<std::string>& argv) {
  const ParseOutcome parsed = parse_args(argv, {{"app"}, {"allow-device-id-env", false}});
  if (!parsed.ok()) return usage_error(parsed.error);
  if (!parsed.args.positionals.empty()) {
    return usage_error("device-id: unexpected argument '" + parsed.args.positionals[0] + "'");
  }
  const auto app = parsed.args.get("app");
  if (!app) return usage_error("device-id: --app is required");
  auto id = device_id(*app, parsed.args.has("allow-device-id-env"));
  if (!id) return fail(id.error());
  std::printf("%s\n", id->c_str());
  return kExitValid;
}

int run_activation_request(const std::vector<std::string>& argv) {
  const ParseOutcome parsed = parse_args(
      argv,
      {{"app"}, {"license-key"}, {"state-dir"}, {"product"}, {"device"}, {"device-name"}, {"out"},
       {"allow-device-id-env", false}});
  if (!parsed.ok()) return usage_error(parsed.error);
  const Args& a = parsed.args;
  if (!a.positionals.empty()) {
    return usage_error("activation-request: unexpected argument '" + a.positionals[0] + "'");
  }
  for (const char* required : {"app", "license-key", "state-dir"}) {
    if (!a.has(required)) {
      return usage_error(std::string("activation-request: --") + required + " is required");
    }
  }
  OfflineRequestOptions o;
  o.app_id = *a.get("app");
  o.allow_device_id_override = a.has("allow-device-id-env");
  o.product = a.get("product").value_or(o.app_id);
  o.state_dir = *a.get("state-dir");
  o.device.device_id = a.get("device");
  o.device_name = a.get("device-name").value_or("");
  auto json = make_activation_request(*a.get("license-key"), o);
  if (!json) {
    Error e = std::move(json).error();
    if (e.message.rfind("license key ", 0) == 0) e.message = "--license-key: " + e.message;
    return fail(e);
  }
  return deliver(a, *json, "activation request");
}

int run_deactivation_request(const std::vector<std::string>& argv) {
  const ParseOutcome parsed = parse_args(
      argv, {{"state-dir"}, {"app"}, {"device"}, {"out"}, {"allow-device-id-env", false}});
  if (!parsed.ok()) return usage_error(parsed.error);
  const Args& a = parsed.args;
  if (!a.positionals.empty()) {
    return usage_error("deactivation-request: unexpected argument '" + a.positionals[0] + "'");
  }
  if (!a.has("state-dir")) return usage_error("deactivation-request: --state-dir is required");
  if (a.has("device") && a.has("app")) {
    return usage_error("deactivation-request: --device and --app cannot be used together");
  }
  OfflineRequestOptions o;
  o.state_dir = *a.get("state-dir");
  o.app_id = a.get("app").value_or("");
  o.allow_device_id_override = a.has("allow-device-id-env");
  o.device.device_id = a.get("device");
  auto json = make_deactivation_request(o);
  if (!json) return fail(json.error());
  // Delivered before the store is cleared: a failed write leaves the license where it was.
  if (int rc = deliver(a, *json, "deactivation request"); rc != kExitValid) return rc;
  std::error_code ec;
  std::filesystem::remove(std::filesystem::path(o.state_dir) / "license.lic", ec);
  if (ec) {
    return fail(make_error(ErrorCode::io_error,
                           "the request was written, but the stored license could not be "
                           "removed: " +
                               ec.message()));
  }
  std::fprintf(stderr,
               "licet-verify: the license is no longer stored in %s; send the request to the "
               "vendor to free the seat\n",
               o.state_dir.c_str());
  return kExitValid;
}

}  // namespace licet::cli
