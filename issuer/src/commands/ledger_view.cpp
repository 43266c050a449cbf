#include "commands/ledger_view.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <unistd.h>

#include "licet/common/license_key.hpp"
#include "licet/common/time.hpp"

namespace licet::issuer::view {
namespace {

constexpr const char* kSelect =
    "SELECT l.id, l.license_key, l.product, l.customer, l.seats, "
    "(SELECT COUNT(*) FROM devices d WHERE d.license_id = l.id AND d.unbound_at IS NULL), "
    "l.not_before, l.expires_at, l.maint_until, l.features, l.meta, l.sync_url, l.sync_max_age, "
    "l.status, l.revoked_reason, l.revision, l.superseded_below, l.created_at, l.updated_at "
    "FROM licenses l";

License row(const Stmt& st) {
  License l;
  l.id = st.int64(0);
  l.key = st.text(1);
  l.product = st.text(2);
  l.customer = st.text(3);
  l.seats = st.int64(4);
  l.bound = st.int64(5);
  l.not_before = st.opt_int64(6);
  l.expires_at = st.opt_int64(7);
  l.maint_until = st.opt_int64(8);
  l.features = st.text(9);
  l.meta = st.text(10);
  l.sync_url = st.opt_text(11);
  l.sync_max_age = st.opt_int64(12);
  l.stored_status = st.text(13);
  l.revoked_reason = st.opt_text(14);
  l.revision = st.int64(15);
  l.superseded_below = st.int64(16);
  l.created_at = st.int64(17);
  l.updated_at = st.int64(18);
  return l;
}

std::string value_text(const rapidjson::Value& v) {
  if (v.IsString()) return {v.GetString(), v.GetStringLength()};
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace

// "seats: 5→3, status: active→revoked" for two JSON objects; the raw JSON otherwise.
std::string change_summary(const audit::Entry& e, std::size_t max_chars) {
  rapidjson::Document before, after;
  if (e.before) before.Parse(e.before->c_str());
  if (e.after) after.Parse(e.after->c_str());
  const bool b_obj = e.before && !before.HasParseError() && before.IsObject();
  const bool a_obj = e.after && !after.HasParseError() && after.IsObject();
  std::string out;
  auto add = [&](const std::string& part) { out += (out.empty() ? "" : ", ") + part; };
  if (b_obj && a_obj) {
    for (auto& m : after.GetObject()) {
      const std::string name(m.name.GetString(), m.name.GetStringLength());
      auto it = before.FindMember(m.name);
      if (it == before.MemberEnd()) {
        add(name + "=" + value_text(m.value));
      } else if (it->value != m.value) {
        add(name + ": " + value_text(it->value) + "→" + value_text(m.value));
      }
    }
    for (auto& m : before.GetObject()) {
      if (!after.HasMember(m.name)) {
        add(std::string(m.name.GetString(), m.name.GetStringLength()) + ": " + value_text(m.value) +
            "→∅");
      }
    }
  } else if (a_obj && !e.before) {
    for (auto& m : after.GetObject()) {
      add(std::string(m.name.GetString(), m.name.GetStringLength()) + "=" + value_text(m.value));
    }
  } else {
    out = e.before.value_or("∅") + "→" + e.after.value_or("∅");
  }
  if (out.size() > max_chars) out = out.substr(0, max_chars - 3) + "...";
  return out;
}

std::string status(const License& l, std::int64_t now) {
  if (l.stored_status == "revoked") return "revoked";
  if (l.expires_at && *l.expires_at <= now) return "expired";
  return "active";
}

std::vector<License> all_licenses(Db& db) {
  std::vector<License> out;
  auto st = db.prepare(std::string(kSelect) + " ORDER BY l.created_at, l.id");
  while (st.step()) out.push_back(row(st));
  return out;
}

std::optional<License> find_license(Db& db, const std::string& canonical_key) {
  auto st = db.prepare(std::string(kSelect) + " WHERE l.license_key = ?");
  st.bind(1, canonical_key);
  if (!st.step()) return std::nullopt;
  return row(st);
}

License resolve(Db& db, const std::string& typed) {
  auto key = license_key::normalize(typed);
  if (key) {
    if (auto l = find_license(db, *key)) return *l;
    throw CliError("no license " + *key);
  }
  std::vector<std::string> hits;
  for (const auto& candidate : license_key::typo_candidates(typed)) {
    if (find_license(db, candidate)) hits.push_back(candidate);
  }
  std::string msg = "no license " + typed + " (" + key.error().message + ")";
  if (!hits.empty()) {
    msg += "; did you mean " + hits.front();
    for (std::size_t i = 1; i < hits.size(); ++i) msg += " or " + hits[i];
    msg += "?";
  }
  throw CliError(msg);
}

std::string time_or(const std::optional<std::int64_t>& t, const std::string& none) {
  return t ? format_rfc3339(*t) : none;
}

std::string date_or(const std::optional<std::int64_t>& t, const std::string& none) {
  return t ? format_rfc3339(*t).substr(0, 10) : none;
}

void json_opt_time(JsonWriter& w, const std::optional<std::int64_t>& t) {
  if (t) {
    w.String(format_rfc3339(*t).c_str());
  } else {
    w.Null();
  }
}

void json_opt_string(JsonWriter& w, const std::optional<std::string>& s) {
  if (s) {
    w.String(s->data(), static_cast<rapidjson::SizeType>(s->size()));
  } else {
    w.Null();
  }
}

void json_raw(JsonWriter& w, const std::optional<std::string>& json) {
  if (!json) {
    w.Null();
    return;
  }
  rapidjson::Document d;
  d.Parse(json->data(), json->size());
  if (d.HasParseError()) {
    json_opt_string(w, json);
  } else {
    d.Accept(w);
  }
}

Db open_for_reading(const Context& ctx) {
  try {
    return ctx.open_ledger();
  } catch (const LedgerError& e) {
    const auto dir = ctx.data_dir();
    if (::access(dir.c_str(), W_OK) != 0) {
      throw CliError("cannot open the ledger in " + dir.string() +
                     ": the data directory is not writable (SQLite keeps its WAL and lock files "
                     "next to the ledger, so licet needs write access even to read)");
    }
    throw;
  }
}

}  // namespace licet::issuer::view
