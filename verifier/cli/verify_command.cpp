// `licet-verify [verify]`: one license file through licet::Verifier, reported for people or JSON.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <iterator>
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

Result<std::string> read_license(const std::string& path) {
  if (path != "-") {
    return read_file(path, armor::kMaxFileBytes, {FileKind::regular_or_pipe, ErrorCode::malformed});
  }
  std::string text;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, stdin)) > 0) {
    text.append(buf, n);
    if (text.size() > armor::kMaxFileBytes) {
      return make_error(ErrorCode::malformed, "stdin: larger than a license file can be (" +
                                                  std::to_string(armor::kMaxFileBytes) + " bytes)");
    }
  }
  if (std::ferror(stdin)) return make_error(ErrorCode::io_error, "stdin: read error");
  return text;
}

// The license's own aud, unverified: only used as the expected product when --product is
// omitted. Anything unreadable gets a placeholder, and the verifier reports the real error
// (it fails before the product check for every input this cannot read).
std::string claimed_product(std::string_view text) {
  auto file = armor::read(text);
  if (!file) return "?";
  auto parsed = paseto::parse(file->token);
  if (!parsed) return "?";
  auto claims = claims_from_json(parsed->payload);
  if (!claims || claims->aud.empty()) return "?";
  return claims->aud;
}

void put_time(JsonWriter& w, const char* key, std::int64_t t) {
  put(w, key, format_rfc3339(t));
}

void write_claims(JsonWriter& w, const License& l) {
  w.StartObject();
  put(w, "iss", l.vendor);
  put(w, "sub", l.customer);
  put(w, "aud", l.product);
  put(w, "jti", l.token_id);
  put(w, "lic", l.license_key);
  w.Key("rev");
  w.Int64(l.revision);
  put_time(w, "iat", l.issued_at);
  if (l.not_before) put_time(w, "nbf", *l.not_before);
  if (l.expires_at) put_time(w, "exp", *l.expires_at);
  w.Key("seats");
  w.Int64(l.seats);
  if (l.devices) {
    w.Key("devices");
    w.StartArray();
    for (const auto& d : *l.devices) w.String(d.c_str());
    w.EndArray();
  }
  w.Key("features");
  w.StartArray();
  for (const auto& f : l.features) w.String(f.c_str());
  w.EndArray();
  if (l.maintenance_until) put_time(w, "maint", *l.maintenance_until);
  if (l.sync_url) {
    w.Key("sync");
    w.StartObject();
    put(w, "url", *l.sync_url);
    w.Key("max_age");
    w.Int64(l.sync_max_age.value_or(0));
    w.EndObject();
  }
  w.Key("meta");
  w.StartObject();
  for (const auto& [k, v] : l.meta) put(w, k.c_str(), v);
  w.EndObject();
  w.EndObject();
}

void print_json(const VerifyResult& r) {
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  w.StartObject();
  w.Key("valid");
  w.Bool(r.ok());
  if (r.ok() && r.license) {
    w.Key("claims");
    write_claims(w, *r.license);
  } else {
    put(w, "error", to_string(r.code));
    put(w, "message", r.message);
  }
  w.EndObject();
  std::printf("%s\n", sb.GetString());
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

void print_human(const License& l) {
  std::printf("valid license %s\n", l.license_key.c_str());
  std::printf("  product:     %s\n", l.product.c_str());
  std::printf("  customer:    %s\n", l.customer.c_str());
  std::printf("  vendor:      %s\n", l.vendor.c_str());
  std::printf("  revision:    %lld (token %s)\n", static_cast<long long>(l.revision),
              l.token_id.c_str());
  std::printf("  issued:      %s\n", format_rfc3339(l.issued_at).c_str());
  std::printf("  expires:     %s\n",
              l.expires_at ? format_rfc3339(*l.expires_at).c_str() : "never (perpetual)");
  if (l.maintenance_until) {
    std::printf("  maintenance: until %s\n", format_rfc3339(*l.maintenance_until).c_str());
  }
  std::printf("  seats:       %lld\n", static_cast<long long>(l.seats));
  std::printf("  devices:     %s\n",
              l.devices ? join(*l.devices).c_str() : "any (not node-locked)");
  if (!l.features.empty()) std::printf("  features:    %s\n", join(l.features).c_str());
  for (const auto& [k, v] : l.meta) std::printf("  meta.%s: %s\n", k.c_str(), v.c_str());
}

int report_failure(ErrorCode code, const std::string& message, bool json) {
  const auto name = to_string(code);
  std::fprintf(stderr, "licet-verify: %.*s: %s\n", static_cast<int>(name.size()), name.data(),
               message.c_str());
  if (json) {
    VerifyResult r;
    r.code = code;
    r.message = message;
    print_json(r);
  }
  return exit_code_for(code);
}

}  // namespace

int run_verify(const std::vector<std::string>& argv) {
  const ParseOutcome parsed = parse_args(argv, {{"public-key", true, true},
                                                {"product"},
                                                {"device"},
                                                {"app"},
                                                {"state-dir"},
                                                {"revocations"},
                                                {"sync"},
                                                {"release-date"},
                                                {"allow-device-id-env", false},
                                                {"json", false}});
  if (!parsed.ok()) return usage_error(parsed.error);
  const Args& a = parsed.args;
  if (a.positionals.size() != 1) {
    return usage_error(a.positionals.empty() ? "verify: missing LICENSE_FILE"
                                             : "verify: expected one LICENSE_FILE, got " +
                                                   std::to_string(a.positionals.size()));
  }
  if (!a.has("public-key")) return usage_error("verify: --public-key is required");
  if (a.has("device") && a.has("app")) {
    return usage_error("verify: --device and --app cannot be used together");
  }
  if (a.has("revocations") && a.has("sync")) {
    return usage_error("verify: --revocations and --sync cannot be used together");
  }
  const bool json = a.has("json");

  VerifierConfig config;
  if (auto s = collect_keys(a.all("public-key"), config.public_keys); !s) {
    return report_failure(s.code(), s.error().message, json);
  }
  if (auto date = a.get("release-date")) {
    auto t = parse_date(*date);
    if (!t) {
      return usage_error("verify: --release-date '" + *date +
                         "' is not a date (YYYY-MM-DD or RFC 3339)");
    }
    config.release_date = *t;
  }
  config.app_id = a.get("app").value_or("");
  config.state_dir = a.get("state-dir").value_or("");
  config.revocations_file = a.get("revocations").value_or("");
  config.sync_url = a.get("sync").value_or("");
  config.allow_device_id_override = a.has("allow-device-id-env");

  auto text = read_license(a.positionals[0]);
  if (!text) return report_failure(text.error().code, text.error().message, json);
  config.product = a.get("product").value_or(claimed_product(*text));

  auto verifier = Verifier::create(std::move(config));
  if (!verifier) return report_failure(verifier.error().code, verifier.error().message, json);
  DeviceOverride device;
  device.device_id = a.get("device");
  // --sync: the feed is downloaded first, as an app calls sync(); the check itself never waits
  // on the network (unless the license demands a sync at every check).
  if (a.has("sync")) {
    const SyncResult synced = verifier->sync();
    if (!synced.ok()) {
      const auto status = to_string(synced.status);
      std::fprintf(stderr, "licet-verify: note: sync %.*s: %s\n", static_cast<int>(status.size()),
                   status.data(), synced.message.c_str());
    }
  }
  const VerifyResult r = verifier->verify(*text, device);
  if (!r.ok()) return report_failure(r.code, r.message, json);
  if (json) {
    print_json(r);
  } else if (r.license) {
    print_human(*r.license);
  }
  return kExitValid;
}

}  // namespace licet::cli
