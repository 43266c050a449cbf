// licet activation respond|deactivate: offline activation and deactivation (the same rules as
// `licet serve`'s POST /v1/activate and /v1/deactivate, through the same core operations).
#include <fmt/core.h>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "core/offline_requests.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/request_token.hpp"

namespace licet::issuer::cli {
namespace {

std::string read_request(const std::string& file) {
  auto text = read_file(file, core::kMaxRequestFileBytes);
  if (!text)
    throw Failure(core::Code::io_error, "cannot read " + file + ": " + text.error().message);
  return std::move(*text);
}

template <class F>
auto parsed(F&& f) {
  try {
    return f();
  } catch (const core::Refused& e) {
    throw Failure(e.refusal());
  }
}

void run_respond(Context& ctx, const std::string& file, const std::string& out, bool new_app) {
  auto req = parsed([&] { return core::parse_activation_request(read_request(file)); });
  req.accept_new_app = new_app;
  auto r = take(core::activate(ctx.session(), req));
  const std::string path = out.empty() ? r.license_key + ".lic" : out;
  const std::string written = write_output(path, r.license.file_text);
  std::FILE* const report = report_stream(path);
  if (ctx.json) return print_json(r, report);
  fmt::print(report, "{} {} for device {} (revision {})\n",
             r.status == "activated" ? "Activated" : "Already active, re-sent", r.license_key,
             safe(r.device_id), r.license.claims.rev);
  fmt::print(report,
             "  file {}: the customer installs it with `licet-verify store FILE --state-dir DIR`\n",
             written);
}

void run_deactivate(Context& ctx, const std::string& file) {
  const std::string token =
      parsed([&] { return core::parse_deactivation_request(read_request(file)); });
  core::DeactivationRequest req;
  req.request_token = token;
  req.audiences = {std::string(request_token::kOfflineAudience)};
  req.offline = true;
  auto r = take(core::deactivate(ctx.session(), req));
  if (ctx.json) return print_json(r);
  fmt::print(
      "Deactivated device {} of {}: its seat is free ({} of {} bound); its machine file is "
      "revoked in the next revocation feed\n",
      safe(r.device_id), r.license_key, r.bound, r.seats);
}

}  // namespace

void add_activation_commands(CLI::App& app, Context& ctx) {
  auto* act = app.add_subcommand("activation", "Offline activation and deactivation");
  act->require_subcommand(1);
  auto o = std::make_shared<std::tuple<std::string, std::string, bool>>();
  auto* respond = act->add_subcommand(
      "respond", "Answer a request from `licet-verify activation-request` with a machine file");
  respond->add_option("REQUEST_FILE", std::get<0>(*o), "The request file")->required();
  respond->add_option("--out", std::get<1>(*o), "Machine file to write (default ./<KEY>.lic)");
  respond->add_flag("--new-app", std::get<2>(*o),
                    "The request's app id is new for this product and intended (not a typo)");
  respond->callback(
      [&ctx, o] { run_respond(ctx, std::get<0>(*o), std::get<1>(*o), std::get<2>(*o)); });
  auto d = std::make_shared<std::string>();
  auto* deactivate = act->add_subcommand(
      "deactivate", "Free the seat of a device that sent a `licet-verify deactivation-request`");
  deactivate->add_option("REQUEST_FILE", *d, "The request file")->required();
  deactivate->callback([&ctx, d] { run_deactivate(ctx, *d); });
}

}  // namespace licet::issuer::cli
