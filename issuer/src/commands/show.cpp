// licet show KEY: everything the ledger knows about one license — "what happened to it?".
#include <fmt/core.h>

#include <memory>

#include "commands/commands.hpp"
#include "commands/ledger_commands.hpp"
#include "commands/ledger_view.hpp"
#include "ledger/audit.hpp"
#include "licet/common/paseto.hpp"
#include "licet/common/time.hpp"
#include "output.hpp"

namespace licet::issuer {
namespace {

struct Device {
  std::string device_id;
  std::optional<std::string> name, hostname, os;
  std::int64_t bound_at = 0;
  std::optional<std::int64_t> unbound_at;
};

struct Revision {
  std::int64_t revision = 0;
  std::string jti, kid, token;
  std::int64_t issued_at = 0;
};

std::vector<Device> devices_of(Db& db, std::int64_t license_id) {
  std::vector<Device> out;
  auto st = db.prepare(
      "SELECT device_id, name, hostname, os, bound_at, unbound_at FROM devices "
      "WHERE license_id = ? ORDER BY bound_at, id");
  st.bind(1, license_id);
  while (st.step()) {
    out.push_back(
        {st.text(0), st.opt_text(1), st.opt_text(2), st.opt_text(3), st.int64(4), st.opt_int64(5)});
  }
  return out;
}

std::vector<Revision> revisions_of(Db& db, std::int64_t license_id) {
  std::vector<Revision> out;
  auto st = db.prepare(
      "SELECT revision, jti, kid, token, issued_at FROM tokens WHERE license_id = ? "
      "ORDER BY revision");
  st.bind(1, license_id);
  while (st.step()) out.push_back({st.int64(0), st.text(1), st.text(2), st.text(3), st.int64(4)});
  return out;
}

// current: the latest revision; superseded: below superseded_below, void in the revocation feed;
// older: replaced by a later revision but not voided (e.g. an extension).
std::string revision_state(const view::License& l, std::int64_t rev) {
  if (rev == l.revision) return "current";
  if (rev < l.superseded_below) return "superseded";
  return "older";
}

// The signed claims of a token from our own ledger; the signature was checked when it was minted.
std::optional<std::string> payload_of(const std::string& token) {
  auto parsed = paseto::parse(token);
  if (!parsed) return std::nullopt;
  return parsed->payload;
}

void write_json(const view::License& l, const std::string& status,
                const std::vector<Device>& devices, const std::vector<Revision>& revs,
                const std::vector<audit::Entry>& events) {
  rapidjson::StringBuffer buf;
  view::JsonWriter w(buf);
  auto str = [&](const char* k, const std::string& v) {
    w.Key(k);
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  };
  auto num = [&](const char* k, std::int64_t v) {
    w.Key(k);
    w.Int64(v);
  };
  w.StartObject();
  str("license_key", l.key);
  str("product", l.product);
  str("customer", l.customer);
  str("status", status);
  w.Key("revoked_reason");
  view::json_opt_string(w, l.revoked_reason);
  num("seats", l.seats);
  num("seats_bound", l.bound);
  w.Key("not_before");
  view::json_opt_time(w, l.not_before);
  w.Key("expires");
  view::json_opt_time(w, l.expires_at);
  w.Key("maint");
  view::json_opt_time(w, l.maint_until);
  w.Key("features");
  view::json_raw(w, l.features);
  w.Key("meta");
  view::json_raw(w, l.meta);
  num("revision", l.revision);
  num("superseded_below", l.superseded_below);
  w.Key("created_at");
  view::json_opt_time(w, l.created_at);
  w.Key("updated_at");
  view::json_opt_time(w, l.updated_at);
  w.Key("claims");
  std::optional<std::string> claims;
  for (const auto& r : revs) {
    if (r.revision == l.revision) claims = payload_of(r.token);
  }
  view::json_raw(w, claims);
  w.Key("devices");
  w.StartArray();
  for (const auto& d : devices) {
    w.StartObject();
    str("device_id", d.device_id);
    w.Key("name");
    view::json_opt_string(w, d.name);
    w.Key("hostname");
    view::json_opt_string(w, d.hostname);
    w.Key("os");
    view::json_opt_string(w, d.os);
    w.Key("bound_at");
    view::json_opt_time(w, d.bound_at);
    w.Key("unbound_at");
    view::json_opt_time(w, d.unbound_at);
    w.EndObject();
  }
  w.EndArray();
  w.Key("revisions");
  w.StartArray();
  for (const auto& r : revs) {
    w.StartObject();
    num("revision", r.revision);
    str("jti", r.jti);
    str("kid", r.kid);
    w.Key("issued_at");
    view::json_opt_time(w, r.issued_at);
    str("state", revision_state(l, r.revision));
    w.EndObject();
  }
  w.EndArray();
  w.Key("events");
  w.StartArray();
  for (const auto& e : events) {
    w.StartObject();
    num("id", e.id);
    w.Key("at");
    view::json_opt_time(w, e.at);
    str("actor", e.actor);
    str("action", e.action);
    w.Key("before");
    view::json_raw(w, e.before);
    w.Key("after");
    view::json_raw(w, e.after);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  fmt::print("{}\n", buf.GetString());
}

void write_text(const view::License& l, const std::string& status,
                const std::vector<Device>& devices, const std::vector<Revision>& revs,
                const std::vector<audit::Entry>& events) {
  std::string st = status;
  if (l.revoked_reason && status == "revoked") st += " (" + *l.revoked_reason + ")";
  fmt::print("License {}\n", l.key);
  fmt::print("  product      {}\n", l.product);
  fmt::print("  customer     {}\n", l.customer);
  fmt::print("  status       {}\n", st);
  fmt::print("  seats        {} bound of {}\n", l.bound, l.seats);
  fmt::print("  expires      {}\n", view::time_or(l.expires_at, "never (perpetual)"));
  if (l.not_before) fmt::print("  not before   {}\n", view::time_or(l.not_before, ""));
  if (l.maint_until) fmt::print("  maintenance  until {}\n", view::time_or(l.maint_until, ""));
  if (l.features != "[]") fmt::print("  features     {}\n", l.features);
  if (l.meta != "{}") fmt::print("  meta         {}\n", l.meta);
  if (l.sync_url) {
    fmt::print("  sync         {} (max age {} s)\n", *l.sync_url, l.sync_max_age.value_or(0));
  }
  fmt::print("  revision     {}{}\n", l.revision,
             l.superseded_below > 0
                 ? fmt::format(" (revisions below {} are superseded)", l.superseded_below)
                 : "");
  fmt::print("  created      {}\n", view::time_or(l.created_at, ""));
  for (const auto& r : revs) {
    if (r.revision != l.revision) continue;
    if (auto p = payload_of(r.token))
      fmt::print("\nClaims of revision {}:\n  {}\n", r.revision, *p);
  }

  std::vector<std::vector<std::string>> rows;
  for (const auto& d : devices) {
    rows.push_back({d.device_id, d.name.value_or("-"), d.hostname.value_or("-"), d.os.value_or("-"),
                    view::time_or(d.bound_at, "-"), view::time_or(d.unbound_at, "-")});
  }
  fmt::print("\nDevices ({} bound)\n", l.bound);
  if (rows.empty()) {
    fmt::print("  none (not node-locked, or no device activated yet)\n");
  } else {
    fmt::print("{}", format_table({"DEVICE", "NAME", "HOSTNAME", "OS", "BOUND", "UNBOUND"}, rows));
  }

  rows.clear();
  for (const auto& r : revs) {
    rows.push_back({std::to_string(r.revision), r.jti, r.kid, view::time_or(r.issued_at, "-"),
                    revision_state(l, r.revision)});
  }
  fmt::print("\nRevisions\n{}", format_table({"REV", "JTI", "KID", "ISSUED", "STATE"}, rows));

  rows.clear();
  for (const auto& e : events) {
    rows.push_back({view::time_or(e.at, "-"), e.actor, e.action, view::change_summary(e)});
  }
  fmt::print("\nEvents\n{}", format_table({"TIME", "ACTOR", "ACTION", "CHANGE"}, rows));
}

void run_show(Context& ctx, const std::string& typed) {
  Db db = view::open_for_reading(ctx);
  const view::License l = view::resolve(db, typed);
  const auto status = view::status(l, system_now());
  const auto devices = devices_of(db, l.id);
  const auto revs = revisions_of(db, l.id);
  const auto events = audit::read(db, l.key, std::nullopt);
  if (ctx.json) {
    write_json(l, status, devices, revs, events);
  } else {
    write_text(l, status, devices, revs, events);
  }
}

}  // namespace

void add_show_command(CLI::App& app, Context& ctx) {
  auto key = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "show", "One license: claims, status, devices, revision history and audit events");
  cmd->add_option("KEY", *key, "License key")->required();
  cmd->callback([&ctx, key] { run_show(ctx, *key); });
}

}  // namespace licet::issuer
