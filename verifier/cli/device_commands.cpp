// `device-id`, `activation-request` (offline activation, docs/FORMAT.md "Activation request")
// and `activate` (online activation: recognized, not available in this build).
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
  const ParseOutcome parsed = parse_args(argv, {{"app"}});
  if (!parsed.ok()) return usage_error(parsed.error);
  if (!parsed.args.positionals.empty()) {
    return usage_error("device-id: unexpected argument '" + parsed.args.positionals[0] + "'");
  }
  const auto app = parsed.args.get("app");
  if (!app) return usage_error("device-id: --app is required");
  auto id = device_id(*app);
  if (!id) return fail(id.error());
  std::printf("%s\n", id->c_str());
  return kExitValid;
}

int run_activation_request(const std::vector<std::string>& argv) {
  const ParseOutcome parsed = parse_args(argv, {{"app"}, {"license-key"}, {"out"}});
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
  auto id = device_id(*app);
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

int run_activate(const std::vector<std::string>& /*argv*/) {
  std::fprintf(stderr,
               "licet-verify: activate is not available in this build (online activation is "
               "not implemented yet); use 'licet-verify activation-request' for offline "
               "activation\n");
  return kExitUsage;
}

}  // namespace licet::cli
