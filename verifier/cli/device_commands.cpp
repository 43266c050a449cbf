// `device-id`, `activation-request` (offline activation, docs/FORMAT.md "Activation request")
// and `activate` (online activation against `licet serve`).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <string>
#include <vector>

#include "args.hpp"
#include "commands.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/time.hpp"
#include "licet/verifier.hpp"

namespace licet::cli {
namespace {

int fail(const Error& e) {
  const auto name = to_string(e.code);
  std::fprintf(stderr, "licet-verify: %.*s: %s\n", static_cast<int>(name.size()), name.data(),
               e.message.c_str());
  return exit_code_for(e.code);
}

std::string host_name() {
  char buf[HOST_NAME_MAX + 1] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

std::string os_description() {
  struct utsname u {};
  if (uname(&u) != 0) return "";
  return std::string(u.sysname) + " " + u.release;
}

void put(rapidjson::Writer<rapidjson::StringBuffer>& w, const char* key, const std::string& v) {
  w.Key(key);
  w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
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
  const ParseOutcome parsed =
      parse_args(argv, {{"app"}, {"license-key"}, {"out"}, {"allow-device-id-env", false}});
  if (!parsed.ok()) return usage_error(parsed.error);
  const Args& a = parsed.args;
  if (!a.positionals.empty()) {
    return usage_error("activation-request: unexpected argument '" + a.positionals[0] + "'");
  }
  const auto app = a.get("app");
  const auto key = a.get("license-key");
  if (!app) return usage_error("activation-request: --app is required");
  if (!key) return usage_error("activation-request: --license-key is required");

  auto canonical = license_key::normalize(*key);
  if (!canonical) {
    return fail(make_error(canonical.error().code, "--license-key: " + canonical.error().message +
                                                       "; check the key for a typo"));
  }
  auto id = device_id(*app, a.has("allow-device-id-env"));
  if (!id) return fail(id.error());

  const std::string host = host_name();
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  w.StartObject();
  put(w, "type", "licet-activation-request");
  w.Key("version");
  w.Int(1);
  put(w, "license_key", *canonical);
  put(w, "device_id", *id);
  put(w, "app", *app);
  put(w, "hostname", host);
  put(w, "os", os_description());
  put(w, "device_name", host);
  put(w, "created", format_rfc3339(system_now()));
  w.EndObject();
  const std::string json = std::string(sb.GetString(), sb.GetSize()) + "\n";

  if (auto out = a.get("out")) {
    if (auto s = write_file_atomic(*out, json, 0644); !s) return fail(s.error());
    std::fprintf(stderr, "activation request written to %s\n", out->c_str());
  } else {
    std::fwrite(json.data(), 1, json.size(), stdout);
  }
  return kExitValid;
}

// Online activation against `licet serve` (licet::activate_online). The license is verified
// before it is stored, so the trusted key (--public-key) is needed; --product defaults to --app.
// Exit codes: 0 activated or already active; 4 seats full; 5 expired; 6 revoked; 2 unknown
// license or refused request; 7 no usable answer (network, timeout, TLS, server error, rate
// limited); a verification failure of the returned license exits as `verify` would.
int run_activate(const std::vector<std::string>& argv) {
  const ParseOutcome parsed = parse_args(argv, {{"server"},
                                                {"license-key"},
                                                {"app"},
                                                {"state-dir"},
                                                {"public-key", true, true},
                                                {"product"},
                                                {"device"},
                                                {"allow-device-id-env", false},
                                                {"json", false}});
  if (!parsed.ok()) return usage_error(parsed.error);
  const Args& a = parsed.args;
  if (!a.positionals.empty()) {
    return usage_error("activate: unexpected argument '" + a.positionals[0] + "'");
  }
  for (const char* required : {"server", "license-key", "app", "state-dir", "public-key"}) {
    if (!a.has(required))
      return usage_error(std::string("activate: --") + required + " is required");
  }
  VerifierConfig cfg;
  for (const auto& k : a.all("public-key")) {
    if (k.rfind("k4.public.", 0) == 0) {
      cfg.public_keys.push_back(k);
    } else {
      auto text = read_file(k, 4096);
      if (!text) return fail(text.error());
      std::string key = *text;
      while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) {
        key.pop_back();
      }
      cfg.public_keys.push_back(key);
    }
  }
  cfg.app_id = *a.get("app");
  cfg.product = a.get("product").value_or(cfg.app_id);
  cfg.state_dir = *a.get("state-dir");
  cfg.allow_device_id_override = a.has("allow-device-id-env");
  auto verifier = Verifier::create(cfg);
  if (!verifier) return fail(verifier.error());
  ActivationOptions opt;
  if (auto d = a.get("device")) opt.device.device_id = *d;
  opt.os = os_description();
  const ActivationResult r =
      activate_online(*verifier, *a.get("server"), *a.get("license-key"), opt);
  const auto status = to_string(r.status);
  if (a.has("json")) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("activated");
    w.Bool(r.ok());
    put(w, "status", std::string(status));
    if (!r.message.empty()) put(w, "message", r.message);
    if (r.retry_after > 0) {
      w.Key("retry_after");
      w.Int64(r.retry_after);
    }
    if (r.ok() && r.verification.license) {
      w.Key("revision");
      w.Int64(r.verification.license->revision);
    }
    w.EndObject();
    std::printf("%s\n", buf.GetString());
  }
  if (r.ok()) {
    if (!a.has("json")) {
      std::fprintf(stderr, "licet-verify: %.*s; the license is stored in %s\n",
                   static_cast<int>(status.size()), status.data(), cfg.state_dir.c_str());
    }
    return kExitValid;
  }
  if (!a.has("json")) {
    std::fprintf(stderr, "licet-verify: %.*s: %s\n", static_cast<int>(status.size()), status.data(),
                 r.message.c_str());
  }
  switch (r.status) {
    case ActivationStatus::seats_full:
      return kExitMismatch;
    case ActivationStatus::expired:
      return kExitTime;
    case ActivationStatus::revoked:
      return kExitRevocation;
    case ActivationStatus::unknown_license:
    case ActivationStatus::bad_request:
      return kExitMalformed;
    case ActivationStatus::invalid_license:
      return exit_code_for(r.verification.code);
    default:
      return kExitNoAnswer;
  }
}

}  // namespace licet::cli
