// licet revocations publish: the signed revocation feed, for any static host or CDN.
#include <fmt/core.h>
#include <unistd.h>

#include <memory>

#include "commands/commands.hpp"
#include "feed/publisher.hpp"
#include "keystore.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/time.hpp"
#include "output.hpp"

namespace licet::issuer {
namespace {

struct PublishOptions {
  std::string out;
  std::string valid_for = "7d";
};

void run_publish(Context& ctx, const PublishOptions& opt) {
  if (opt.out.empty()) throw CliError("--out FILE is required");
  const auto valid_for = parse_duration(opt.valid_for);
  if (!valid_for || *valid_for <= 0) {
    throw CliError("--valid-for: '" + opt.valid_for +
                   "' is not a positive duration (seconds, or a number with s, m, h or d)");
  }
  Db db = ctx.open_ledger();
  const ActiveKey key = load_active_key(ctx, db);
  const bool show_progress = !ctx.json && ::isatty(STDERR_FILENO) == 1;
  feed::Progress progress;
  if (show_progress) {
    progress = [](std::size_t rows) { fmt::print(stderr, "\rreading ledger: {} entries", rows); };
  }
  const auto published =
      feed::publish(db, key.key, ctx.effective_actor(), system_now(), *valid_for, progress);
  if (show_progress && published.entries >= 100000) fmt::print(stderr, "\n");
  // After the commit: a failed write leaves a gap in the sequence, never a reused one.
  if (auto st = write_file_atomic(opt.out, published.bytes, 0644); !st) {
    throw CliError("feed sequence " + std::to_string(published.sequence) +
                   " was recorded but could not be written: " + st.error().message +
                   " (run publish again)");
  }
  if (ctx.json) {
    fmt::print(
        "{{\"file\":{},\"sequence\":{},\"entries\":{},\"retired_keys\":{},\"bytes\":{},"
        "\"issued_at\":{},\"next_update\":{},\"key\":{}}}\n",
        json_string(opt.out), published.sequence, published.entries, published.retired_keys,
        published.bytes.size(), json_string(format_rfc3339(published.issued_at)),
        json_string(format_rfc3339(published.next_update)), json_string(key.pid));
  } else {
    fmt::print("Published revocation feed {} to {}\n", published.sequence, opt.out);
    fmt::print("  entries      {}\n", published.entries);
    fmt::print("  retired keys {}\n", published.retired_keys);
    fmt::print("  size         {} bytes\n", published.bytes.size());
    fmt::print("  next update  {} (publish again before then)\n",
               format_rfc3339(published.next_update));
  }
}

}  // namespace

void add_revocations_command(CLI::App& app, Context& ctx) {
  auto* group = app.add_subcommand("revocations", "The signed revocation feed");
  group->require_subcommand(1);
  auto opt = std::make_shared<PublishOptions>();
  auto* pub = group->add_subcommand(
      "publish", "Sign the current revocations into a feed file for a static host or CDN");
  pub->add_option("--out", opt->out, "Feed file to write (atomically)")->required();
  pub->add_option("--valid-for", opt->valid_for,
                  "How long verifiers accept this feed before it counts as frozen (DUR)")
      ->default_val("7d");
  pub->callback([&ctx, opt] { run_publish(ctx, *opt); });
}

}  // namespace licet::issuer
