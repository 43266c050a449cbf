#include "license/ledger_rows.hpp"

#include <fmt/core.h>

#include "context.hpp"
#include "licet/common/json.hpp"
#include "licet/common/license_key.hpp"
#include "output.hpp"

namespace licet::issuer {
namespace {

constexpr const char* kSelect =
    "SELECT id, license_key, product, customer, seats, not_before, expires_at, maint_until, "
    "features, meta, sync_url, sync_max_age, status, revoked_reason, revision, superseded_below, "
    "created_at, updated_at FROM licenses WHERE license_key = ?";

// The ledger wrote these columns itself; a parse failure means the database was edited by hand.
std::vector<std::string> parse_array(const std::string& text) {
  std::vector<std::string> out;
  auto doc = json::parse_object("{\"a\":" + text + "}");
  if (!doc || !(*doc)["a"].IsArray()) throw LedgerError("corrupt features column in the ledger");
  for (const auto& v : (*doc)["a"].GetArray()) {
    if (!v.IsString()) throw LedgerError("corrupt features column in the ledger");
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

std::map<std::string, std::string> parse_map(const std::string& text) {
  std::map<std::string, std::string> out;
  auto doc = json::parse_object(text);
  if (!doc) throw LedgerError("corrupt meta column in the ledger");
  for (auto it = doc->MemberBegin(); it != doc->MemberEnd(); ++it) {
    if (!it->value.IsString()) throw LedgerError("corrupt meta column in the ledger");
    out.emplace(std::string(it->name.GetString(), it->name.GetStringLength()),
                std::string(it->value.GetString(), it->value.GetStringLength()));
  }
  return out;
}

std::string opt_time(const std::optional<UnixTime>& t) {
  return t ? json_string(format_rfc3339(*t)) : "null";
}

}  // namespace

std::string to_json_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + json_string(items[i]);
  return out + "]";
}

std::string to_json_object(const std::map<std::string, std::string>& items) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : items) {
    out += (first ? "" : ",") + json_string(k) + ":" + json_string(v);
    first = false;
  }
  return out + "}";
}

std::optional<LicenseRow> find_license(Db& db, const std::string& license_key) {
  auto st = db.prepare(kSelect);
  st.bind(1, license_key);
  if (!st.step()) return std::nullopt;
  LicenseRow r;
  r.id = st.int64(0);
  r.license_key = st.text(1);
  r.product = st.text(2);
  r.customer = st.text(3);
  r.seats = st.int64(4);
  r.not_before = st.opt_int64(5);
  r.expires_at = st.opt_int64(6);
  r.maint_until = st.opt_int64(7);
  r.features = parse_array(st.text(8));
  r.meta = parse_map(st.text(9));
  if (auto url = st.opt_text(10)) r.sync = SyncPolicy{*url, st.opt_int64(11).value_or(0)};
  r.status = st.text(12);
  r.revoked_reason = st.opt_text(13);
  r.revision = st.int64(14);
  r.superseded_below = st.int64(15);
  r.created_at = st.int64(16);
  r.updated_at = st.int64(17);
  return r;
}

LicenseRow require_license(Db& db, const std::string& typed_key) {
  auto canonical = license_key::normalize(typed_key);
  if (canonical) {
    if (auto row = find_license(db, *canonical)) return *row;
    throw CliError("no license " + *canonical);
  }
  std::vector<std::string> known;
  for (const auto& candidate : license_key::typo_candidates(typed_key)) {
    if (find_license(db, candidate)) known.push_back(candidate);
  }
  std::string msg = "no license " + typed_key + " (" + canonical.error().message + ")";
  if (known.size() == 1) {
    msg += "; did you mean " + known[0] + "?";
  } else if (!known.empty()) {
    msg += "; did you mean one of:";
    for (const auto& k : known) msg += " " + k;
    msg += "?";
  }
  throw CliError(msg);
}

std::vector<DeviceRow> bound_devices(Db& db, std::int64_t license_id) {
  auto st = db.prepare(
      "SELECT device_id, name, hostname, os, bound_at FROM devices "
      "WHERE license_id = ? AND unbound_at IS NULL ORDER BY bound_at, id");
  st.bind(1, license_id);
  std::vector<DeviceRow> out;
  while (st.step()) {
    out.push_back({st.text(0), st.opt_text(1), st.opt_text(2), st.opt_text(3), st.int64(4)});
  }
  return out;
}

std::string vendor_id(Db& db) {
  auto st = db.prepare("SELECT value FROM settings WHERE name = 'vendor'");
  if (!st.step()) throw CliError("the ledger has no vendor setting (was `licet init` run?)");
  return st.text(0);
}

std::string license_state_json(const LicenseRow& row, const std::vector<DeviceRow>& devices) {
  std::vector<std::string> ids;
  for (const auto& d : devices) ids.push_back(d.device_id);
  return fmt::format(
      "{{\"product\":{},\"customer\":{},\"seats\":{},\"expires\":{},\"maint\":{},\"features\":{},"
      "\"status\":{},\"revision\":{},\"superseded_below\":{},\"devices\":{}}}",
      json_string(row.product), json_string(row.customer), row.seats, opt_time(row.expires_at),
      opt_time(row.maint_until), to_json_array(row.features), json_string(row.status), row.revision,
      row.superseded_below, to_json_array(ids));
}

}  // namespace licet::issuer
