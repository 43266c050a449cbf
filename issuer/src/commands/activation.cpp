// licet activation respond: offline activation. The request (docs/FORMAT.md "Activation
// request") is untrusted input: parsed strictly, then the same seat rules as online apply.
#include <fmt/core.h>

#include <optional>

#include "commands/commands.hpp"
#include "commands/license_common.hpp"
#include "license/seats.hpp"
#include "license/staged_file.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/json.hpp"
#include "output.hpp"

namespace licet::issuer {
namespace {

constexpr std::size_t kMaxRequestBytes = 64 * 1024;

std::string member(const rapidjson::Document& doc, const char* name, std::size_t max,
                   bool allow_empty) {
  const auto it = doc.FindMember(name);
  if (it == doc.MemberEnd()) throw CliError(fmt::format("activation request: no \"{}\"", name));
  if (!it->value.IsString()) {
    throw CliError(fmt::format("activation request: \"{}\" must be a string, not {}", name,
                               json::type_name(it->value)));
  }
  std::string v(it->value.GetString(), it->value.GetStringLength());
  if (v.size() > max) {
    throw CliError(fmt::format("activation request: \"{}\" is longer than {} bytes", name, max));
  }
  if (v.empty() && !allow_empty) {
    throw CliError(fmt::format("activation request: \"{}\" is empty", name));
  }
  return v;
}

BindRequest parse_request(const std::string& text) {
  json::Limits limits;
  limits.max_bytes = kMaxRequestBytes;
  limits.max_depth = 2;
  auto doc = json::parse_object(text, limits);
  if (!doc) throw CliError("activation request: " + doc.error().message);
  if (member(*doc, "type", 64, false) != "licet-activation-request") {
    throw CliError("not an activation request (type is not \"licet-activation-request\")");
  }
  const auto v = doc->FindMember("version");
  if (v == doc->MemberEnd() || !v->value.IsInt() || v->value.GetInt() != 1) {
    throw CliError("activation request: unsupported version (this licet reads version 1)");
  }
  BindRequest r;
  r.license_key = member(*doc, "license_key", 64, false);
  r.device_id = member(*doc, "device_id", 256, false);
  (void)member(*doc, "app", 256, false);
  r.hostname = member(*doc, "hostname", 256, true);
  r.os = member(*doc, "os", 256, true);
  r.name = member(*doc, "device_name", 256, true);
  if (!parse_rfc3339(member(*doc, "created", 64, false))) {
    throw CliError("activation request: \"created\" is not an RFC 3339 time");
  }
  return r;
}

void run_respond(Context& ctx, const std::string& request_file, const std::string& out_option) {
  auto text = read_file(request_file, kMaxRequestBytes);
  if (!text) throw CliError("cannot read " + request_file + ": " + text.error().message);
  const BindRequest req = parse_request(*text);
  Db db = ctx.open_ledger();
  // A typo in the key is answered before the passphrase is asked for.
  const LicenseRow row = require_license(db, req.license_key);
  const ActiveKey key = load_active_key(ctx, db);
  std::optional<StagedFile> file;
  std::filesystem::path out = license_out_path(out_option, row.license_key);
  BindResult r;
  try {
    r = bind_device(db, req, key, ctx.effective_actor(), "offline", system_now(),
                    [&](const SignedLicense& lic) { file.emplace(out, lic.file_text); });
  } catch (const SeatError& e) {
    if (ctx.json) {
      fmt::print("{{\"error\":{},\"message\":{},\"bound_devices\":{}}}\n", json_string(e.code()),
                 json_string(e.what()), to_json_array(e.bound_devices()));
    }
    throw CliError(e.code() + ": " + e.what());
  }
  file->publish();
  const std::string status = r.newly_bound ? "activated" : "already_active";
  print_license_result(
      ctx, r.newly_bound ? "Activated" : "Already active, re-sent", r.license, out,
      "\"status\":" + json_string(status) + ",\"device_id\":" + json_string(req.device_id));
}

}  // namespace

void add_activation_command(CLI::App& app, Context& ctx) {
  auto* act = app.add_subcommand("activation", "Offline activation");
  act->require_subcommand(1);
  auto opt = std::make_shared<std::pair<std::string, std::string>>();
  auto* respond =
      act->add_subcommand("respond", "Answer a request from `licet-verify activation-request`");
  respond->add_option("REQUEST_FILE", opt->first, "The request file")->required();
  respond->add_option("--out", opt->second, "License file (default ./<LICENSE-KEY>.lic)");
  respond->callback([&ctx, opt] { run_respond(ctx, opt->first, opt->second); });
}

}  // namespace licet::issuer
