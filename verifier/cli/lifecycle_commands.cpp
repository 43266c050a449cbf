// The license lifecycle from the command line, each command one call of licet::Verifier:
// `activate`, `deactivate`, `sync`, `store FILE` and `verify-stored` (docs/INTEGRATION.md,
// "licet-verify"). Every status is printed by its name, and its exit code is documented.
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "args.hpp"
#include "cli_support.hpp"
#include "commands.hpp"
#include "licet/common/armor.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/paseto.hpp"
#include "licet/common/time.hpp"
#include "licet/verifier.hpp"

namespace licet::cli {
namespace {

// Options every lifecycle command shares.
const std::vector<OptionSpec> kCommon = {
    {"public-key", true, true},     {"app"},        {"product"}, {"state-dir"}, {"device"},
    {"allow-device-id-env", false}, {"json", false}};

std::vector<OptionSpec> with(std::vector<OptionSpec> extra) {
  extra.insert(extra.end(), kCommon.begin(), kCommon.end());
  return extra;
}

// The license's own aud, unverified: the default product for store and verify-stored (the
// signature and every other check still apply).
std::string claimed_product(std::string_view text) {
  auto file = armor::read(text);
  if (!file) return "?";
  auto parsed = paseto::parse(file->token);
  if (!parsed) return "?";
  auto claims = claims_from_json(parsed->payload);
  return claims && !claims->aud.empty() ? claims->aud : "?";
}

// The stored license's own product, unverified: the default app id and product of commands that
// act on a state dir (the state files are keyed by the app id, docs/FORMAT.md "Verifier state
// directory", so a wrong default would read them as damaged).
std::string stored_product(const Args& a) {
  if (!a.has("state-dir")) return "?";
  if (auto text = read_file(std::filesystem::path(*a.get("state-dir")) / "license.lic",
                            armor::kMaxFileBytes)) {
    return claimed_product(*text);
  }
  return "";
}

// sync and deactivate name the app by --app, else by the stored license's product: without
// either there is nothing to key the state files by.
int needs_app(const Args& a, const char* command) {
  if (a.has("app") || a.has("product") || !stored_product(a).empty()) return kExitValid;
  return usage_error(std::string(command) +
                     ": no license is stored in --state-dir, so name the app with --app APP_ID "
                     "(its state files are kept per app)");
}

struct Setup {
  VerifierConfig config;
  DeviceOverride device;
};

// --public-key, --app, --product, --state-dir, --device into a config. `product_fallback` is
// used when neither --product nor --app is given.
Result<Setup> setup(const Args& a, const std::string& product_fallback) {
  Setup s;
  if (auto st = collect_keys(a.all("public-key"), s.config.public_keys); !st) return st.error();
  s.config.app_id = a.get("app").value_or("");
  s.config.product =
      a.get("product").value_or(s.config.app_id.empty() ? product_fallback : s.config.app_id);
  s.config.state_dir = a.get("state-dir").value_or("");
  s.device.device_id = a.get("device");
  s.config.allow_device_id_override = a.has("allow-device-id-env");
  return s;
}

int check_common(const Args& a, const char* command, bool needs_app) {
  if (!a.positionals.empty() && std::string(command) != "store") {
    return usage_error(std::string(command) + ": unexpected argument '" + a.positionals[0] + "'");
  }
  if (!a.has("state-dir")) return usage_error(std::string(command) + ": --state-dir is required");
  if (!a.has("public-key")) {
    return usage_error(std::string(command) + ": --public-key is required");
  }
  if (needs_app && !a.has("app")) return usage_error(std::string(command) + ": --app is required");
  return kExitValid;
}

// --timeout SECONDS (or 30s, 2m); nullopt when it is not 1..600 seconds.
std::optional<long> timeout_ms(const Args& a, long fallback) {
  const auto text = a.get("timeout");
  if (!text) return fallback;
  const auto seconds = parse_duration(*text);
  if (!seconds || *seconds < 1 || *seconds > 600) return std::nullopt;
  return static_cast<long>(*seconds * 1000);
}

int bad_timeout(const char* command) {
  return usage_error(std::string(command) +
                     ": --timeout must be 1 to 600 seconds (e.g. 30 or 30s)");
}

void print_verification(JsonWriter& w, const VerifyResult& r) {
  w.Key("valid");
  w.Bool(r.ok());
  if (!r.ok()) {
    put(w, "error", to_string(r.code));
    put(w, "message", r.message);
  }
}

// Text output: "licet-verify: <status>: <message>" (or a success line) on stderr.
void report(std::string_view status, const std::string& message, const std::string& success) {
  if (!success.empty()) {
    std::fprintf(stderr, "licet-verify: %.*s; %s\n", static_cast<int>(status.size()), status.data(),
                 success.c_str());
  } else {
    std::fprintf(stderr, "licet-verify: %.*s: %s\n", static_cast<int>(status.size()), status.data(),
                 message.c_str());
  }
}

int exit_for(ActivationStatus s, const VerifyResult& verification) {
  switch (s) {
    case ActivationStatus::activated:
    case ActivationStatus::already_active:
      return kExitValid;
    case ActivationStatus::seats_full:
    case ActivationStatus::wrong_product:
    case ActivationStatus::not_activatable:
      return kExitMismatch;
    case ActivationStatus::device_key_mismatch:
      return kExitSignature;
    case ActivationStatus::expired:
      return kExitTime;
    case ActivationStatus::revoked:
      return kExitRevocation;
    case ActivationStatus::unknown_license:
    case ActivationStatus::bad_request:
    case ActivationStatus::io_error:
      return kExitMalformed;
    case ActivationStatus::invalid_license:
      return exit_code_for(verification.code);
    case ActivationStatus::rate_limited:
    case ActivationStatus::network_error:
    case ActivationStatus::timeout:
    case ActivationStatus::tls_error:
    case ActivationStatus::server_error:
    case ActivationStatus::unavailable:
      break;
  }
  return kExitNoAnswer;
}

int exit_for(DeactivationStatus s) {
  switch (s) {
    case DeactivationStatus::deactivated:
      return kExitValid;
    case DeactivationStatus::not_activated:
    case DeactivationStatus::not_active:
      return kExitNotActivated;
    case DeactivationStatus::transfer_cap:
    case DeactivationStatus::no_device_key:
      return kExitSeatKept;
    case DeactivationStatus::invalid_token:
      return kExitSignature;
    case DeactivationStatus::unknown_license:
    case DeactivationStatus::bad_request:
    case DeactivationStatus::io_error:
      return kExitMalformed;
    case DeactivationStatus::rate_limited:
    case DeactivationStatus::network_error:
    case DeactivationStatus::timeout:
    case DeactivationStatus::tls_error:
    case DeactivationStatus::server_error:
    case DeactivationStatus::unavailable:
      break;
  }
  return kExitNoAnswer;
}

int exit_for(const SyncResult& r) {
  switch (r.status) {
    case SyncStatus::updated:
    case SyncStatus::unchanged:
      return kExitValid;
    case SyncStatus::refused:
      return exit_code_for(r.code);
    case SyncStatus::nothing_to_sync:
    case SyncStatus::io_error:
      return kExitMalformed;
    case SyncStatus::network_error:
    case SyncStatus::timeout:
    case SyncStatus::tls_error:
    case SyncStatus::server_error:
    case SyncStatus::unavailable:
      break;
  }
  return kExitNoAnswer;
}

void put_counts(JsonWriter& w, int http, std::int64_t retry_after, std::int64_t seats,
                std::int64_t bound) {
  if (http != 0) {
    w.Key("http_status");
    w.Int(http);
  }
  if (retry_after > 0) {
    w.Key("retry_after");
    w.Int64(retry_after);
  }
  if (seats > 0) {
    w.Key("seats");
    w.Int64(seats);
    w.Key("bound");
    w.Int64(bound);
  }
}

}  // namespace

int run_activate(const std::vector<std::string>& argv) {
  const ParseOutcome parsed = parse_args(
      argv, with({{"server"}, {"license-key"}, {"ca-file"}, {"timeout"}, {"device-name"}}));
  if (!parsed.ok()) return usage_error(parsed.error);
  const Args& a = parsed.args;
  if (!a.has("server")) return usage_error("activate: --server is required");
  if (!a.has("license-key")) return usage_error("activate: --license-key is required");
  if (int rc = check_common(a, "activate", true); rc != kExitValid) return rc;
  auto s = setup(a, "");
  if (!s) return fail(s.error());
  auto timeout = timeout_ms(a, ActivationOptions{}.timeout_ms);
  if (!timeout) return bad_timeout("activate");
  auto verifier = Verifier::create(s->config);
  if (!verifier) return fail(verifier.error());
  ActivationOptions opt;
  opt.device = s->device;
  opt.ca_file = a.get("ca-file").value_or("");
  opt.timeout_ms = *timeout;
  opt.device_name = a.get("device-name").value_or("");
  const ActivationResult r = verifier->activate(*a.get("server"), *a.get("license-key"), opt);
  const auto status = to_string(r.status);
  if (a.has("json")) {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("activated");
    w.Bool(r.ok());
    put(w, "status", status);
    if (!r.message.empty()) put(w, "message", r.message);
    put_counts(w, r.http_status, r.retry_after, r.seats, r.bound);
    if (r.ok()) {
      w.Key("revision");
      w.Int64(r.revision);
    }
    if (r.status == ActivationStatus::invalid_license) print_verification(w, r.verification);
    w.EndObject();
    print_json(buf);
  } else {
    report(status, r.message,
           r.ok() ? "the license is stored in " + s->config.state_dir : std::string());
  }
  return exit_for(r.status, r.verification);
}

int run_deactivate(const std::vector<std::string>& argv) {
  const ParseOutcome parsed = parse_args(argv, with({{"server"}, {"ca-file"}, {"timeout"}}));
  if (!parsed.ok()) return usage_error(parsed.error);
  const Args& a = parsed.args;
  if (!a.has("server")) return usage_error("deactivate: --server is required");
  if (int rc = check_common(a, "deactivate", false); rc != kExitValid) return rc;
  // Nothing stored: the answer is not_activated, whatever the app.
  const std::string stored = stored_product(a);
  auto s = setup(a, stored.empty() ? "?" : stored);
  if (!s) return fail(s.error());
  auto timeout = timeout_ms(a, DeactivationOptions{}.timeout_ms);
  if (!timeout) return bad_timeout("deactivate");
  auto verifier = Verifier::create(s->config);
  if (!verifier) return fail(verifier.error());
  DeactivationOptions opt;
  opt.device = s->device;
  opt.ca_file = a.get("ca-file").value_or("");
  opt.timeout_ms = *timeout;
  const DeactivationResult r = verifier->deactivate(*a.get("server"), opt);
  const auto status = to_string(r.status);
  if (a.has("json")) {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("deactivated");
    w.Bool(r.ok());
    put(w, "status", status);
    if (!r.message.empty()) put(w, "message", r.message);
    put_counts(w, r.http_status, r.retry_after, r.seats, r.bound);
    w.EndObject();
    print_json(buf);
  } else {
    std::string message = r.message;
    if (r.status == DeactivationStatus::transfer_cap) {
      message += " (the seat is still taken and the license stays stored here)";
    }
    report(status, message,
           r.ok() ? "the seat is free and the license is no longer stored in " + s->config.state_dir
                  : std::string());
  }
  return exit_for(r.status);
}

int run_sync(const std::vector<std::string>& argv) {
  const ParseOutcome parsed = parse_args(argv, with({{"url"}, {"timeout"}}));
  if (!parsed.ok()) return usage_error(parsed.error);
  const Args& a = parsed.args;
  if (int rc = check_common(a, "sync", false); rc != kExitValid) return rc;
  if (int rc = needs_app(a, "sync"); rc != kExitValid) return rc;
  auto s = setup(a, stored_product(a));
  if (!s) return fail(s.error());
  auto timeout = timeout_ms(a, static_cast<long>(VerifierConfig{}.network_timeout_ms));
  if (!timeout) return bad_timeout("sync");
  s->config.sync_url = a.get("url").value_or("");
  s->config.network_timeout_ms = *timeout;
  auto verifier = Verifier::create(s->config);
  if (!verifier) return fail(verifier.error());
  const SyncResult r = verifier->sync();
  const auto status = to_string(r.status);
  if (a.has("json")) {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    w.Key("synced");
    w.Bool(r.ok());
    put(w, "status", status);
    if (!r.url.empty()) put(w, "url", r.url);
    if (!r.message.empty()) put(w, "message", r.message);
    if (r.status == SyncStatus::refused) put(w, "error", to_string(r.code));
    put_counts(w, r.http_status, 0, 0, 0);
    w.EndObject();
    print_json(buf);
  } else {
    report(status, r.message, r.ok() ? "revocation feed from " + r.url : std::string());
  }
  return exit_for(r);
}

namespace {

// store and verify-stored print what verify prints: JSON on stdout, or a line on stderr.
int report_check(const VerifyResult& r, bool json, const std::string& success) {
  if (!r.ok()) {
    const auto name = to_string(r.code);
    std::fprintf(stderr, "licet-verify: %.*s: %s\n", static_cast<int>(name.size()), name.data(),
                 r.message.c_str());
  }
  if (json) {
    rapidjson::StringBuffer buf;
    JsonWriter w(buf);
    w.StartObject();
    print_verification(w, r);
    if (r.ok() && r.license) {
      put(w, "license_key", r.license->license_key);
      put(w, "customer", r.license->customer);
      put(w, "product", r.license->product);
      w.Key("revision");
      w.Int64(r.license->revision);
      if (r.license->expires_at) put(w, "expires", format_rfc3339(*r.license->expires_at));
    }
    w.EndObject();
    print_json(buf);
  } else if (r.ok()) {
    std::fprintf(stderr, "licet-verify: %s (license %s, customer %s)\n", success.c_str(),
                 r.license ? r.license->license_key.c_str() : "",
                 r.license ? r.license->customer.c_str() : "");
  }
  return exit_code_for(r.code);
}

}  // namespace

int run_store(const std::vector<std::string>& argv) {
  const ParseOutcome parsed = parse_args(argv, kCommon);
  if (!parsed.ok()) return usage_error(parsed.error);
  const Args& a = parsed.args;
  if (a.positionals.size() != 1) return usage_error("store: expected one LICENSE_FILE");
  if (int rc = check_common(a, "store", false); rc != kExitValid) return rc;
  auto text = read_file(a.positionals[0], armor::kMaxFileBytes);
  if (!text) return fail(text.error());
  auto s = setup(a, claimed_product(*text));
  if (!s) return fail(s.error());
  auto verifier = Verifier::create(s->config);
  if (!verifier) return fail(verifier.error());
  return report_check(verifier->store(*text, s->device), a.has("json"),
                      "stored in " + s->config.state_dir);
}

int run_verify_stored(const std::vector<std::string>& argv) {
  const ParseOutcome parsed = parse_args(argv, kCommon);
  if (!parsed.ok()) return usage_error(parsed.error);
  const Args& a = parsed.args;
  if (int rc = check_common(a, "verify-stored", false); rc != kExitValid) return rc;
  // The stored license's own product unless one is named (as verify does for a file).
  const std::string stored = stored_product(a);
  auto s = setup(a, stored.empty() ? "?" : stored);
  if (!s) return fail(s.error());
  auto verifier = Verifier::create(s->config);
  if (!verifier) return fail(verifier.error());
  return report_check(verifier->verify_stored(s->device), a.has("json"), "valid");
}

}  // namespace licet::cli
