#include "core/ops/ledger_admin.hpp"

#include <fmt/core.h>
#include <sodium.h>

#include <charconv>
#include <random>

#include "core/audit_log.hpp"
#include "core/checkpoint.hpp"
#include "core/guard.hpp"
#include "core/model.hpp"
#include "licet/common/base64.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/sodium_init.hpp"

namespace licet::issuer::core {
namespace {

namespace fs = std::filesystem;

}  // namespace

Outcome<BackupResult> backup(Session& s, const fs::path& dest) {
  return guarded([&] {
    std::error_code ec;
    if (fs::equivalent(dest, s.ledger.ledger_file(), ec)) {
      throw Refused(Code::bad_request, "refusing to back the ledger up onto itself");
    }
    if (fs::is_directory(dest, ec))
      throw Refused(Code::bad_request, dest.string() + " is a directory");
    BackupResult r;
    r.summary = write_backup(s, dest);
    r.file = dest.string();
    r.keys_dir = (s.ledger.data_dir() / "keys").string();
    return r;
  });
}

Outcome<AuditVerificationDoc> verify_audit_trail(Session& s) {
  return guarded([&] {
    store::Tx tx(s.db, sql::TxMode::read);
    return AuditVerificationDoc{verify_audit(tx, read_checkpoint_file(s.ledger.data_dir()))};
  });
}

Outcome<AuditListDoc> audit_events(Session& s, std::optional<std::string> license_key,
                                   std::int64_t limit, std::int64_t before_id) {
  return guarded([&] {
    store::AuditQuery q;
    if (license_key) {
      auto k = license_key::normalize(*license_key);
      if (!k) throw Refused(Code::bad_request, "license key: " + k.error().message);
      q.license_key = *k;
    }
    q.limit = limit;
    q.before_id = before_id;
    store::Tx tx(s.db, sql::TxMode::read);
    AuditListDoc out;
    auto rows = tx.audit(q);
    if (limit > 0) {
      if (static_cast<std::int64_t>(rows.size()) == limit) out.next_before = rows.back().id;
      std::reverse(rows.begin(), rows.end());  // newest page, shown oldest first
    }
    for (auto& e : rows) out.events.push_back(AuditDoc{std::move(e)});
    return out;
  });
}

Outcome<SettingsDoc> list_settings(Session& s) {
  return guarded([&] {
    store::Tx tx(s.db, sql::TxMode::read);
    SettingsDoc out;
    for (const auto& info : settings_table()) {
      out.settings.push_back(SettingDoc{std::string(info.name), setting(tx, info.name),
                                        !tx.setting(info.name).has_value(),
                                        std::string(info.meaning)});
    }
    return out;
  });
}

Outcome<SettingDoc> set_setting(Session& s, const std::string& name, const std::string& value) {
  return guarded([&] {
    const SettingInfo* info = find_setting(name);
    if (info == nullptr) {
      std::string names;
      for (const auto& i : settings_table())
        names += (names.empty() ? "" : ", ") + std::string(i.name);
      throw Refused(Code::bad_request, "unknown setting " + name + " (known: " + names + ")");
    }
    std::int64_t v = 0;
    const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
    if (value.empty() || ec != std::errc() || p != value.data() + value.size() || v < info->min ||
        v > info->max) {
      throw Refused(Code::bad_request,
                    fmt::format("{} must be a whole number {}..{}", name, info->min, info->max));
    }
    store::Tx tx(s.db, sql::TxMode::write);
    const auto before = tx.setting(name);
    tx.set_setting(name, std::to_string(v));
    record(tx, s, Action::config_set, std::nullopt,
           before ? std::optional(details_json({{name, *before}})) : std::nullopt,
           details_json({{name, std::to_string(v)}}));
    tx.commit();
    refresh_checkpoint(s);
    return SettingDoc{name, v, false, std::string(info->meaning)};
  });
}

// ---- API tokens
// ----------------------------------------------------------------------------------
namespace {

constexpr std::string_view kTokenPrefix = "licet_at_";

std::vector<std::uint8_t> hash_token(std::string_view token) {
  ensure_sodium();
  std::vector<std::uint8_t> h(32);
  crypto_generichash(h.data(), h.size(), reinterpret_cast<const unsigned char*>(token.data()),
                     token.size(), nullptr, 0);
  return h;
}

std::string check_token_name(std::string_view name) {
  if (name.empty() || name.size() > 64)
    throw Refused(Code::bad_request, "token name: 1 to 64 characters");
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) throw Refused(Code::bad_request, "token name: only letters, digits, '.', '_' and '-'");
  }
  return std::string(name);
}

}  // namespace

std::optional<Role> role_from_string(std::string_view s) {
  if (s == "viewer") return Role::viewer;
  if (s == "support") return Role::support;
  if (s == "admin") return Role::admin;
  return std::nullopt;
}

std::string_view to_string(Role r) {
  switch (r) {
    case Role::viewer:
      return "viewer";
    case Role::support:
      return "support";
    case Role::admin:
      return "admin";
  }
  return "viewer";
}

Outcome<ApiTokenDoc> create_api_token(Session& s, const std::string& name,
                                      const std::string& role) {
  return guarded([&] {
    const std::string n = check_token_name(name);
    const auto r = role_from_string(role);
    if (!r) throw Refused(Code::bad_request, "role must be admin, support or viewer, not " + role);
    ensure_sodium();
    std::uint8_t raw[32];
    randombytes_buf(raw, sizeof raw);
    std::string secret = std::string(kTokenPrefix) + b64url_encode(raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    store::ApiTokenRecord t{n, std::string(to_string(*r)), hash_token(secret), s.ledger.now(),
                            std::nullopt};
    store::Tx tx(s.db, sql::TxMode::write);
    for (const auto& existing : tx.api_tokens()) {
      if (existing.name == n)
        throw Refused(Code::conflict, "an API token named " + n + " exists already");
    }
    tx.insert_api_token(t);
    record(tx, s, Action::token_create, std::nullopt, std::nullopt,
           details_json({{"name", n}, {"role", t.role}}));
    tx.commit();
    refresh_checkpoint(s);
    return ApiTokenDoc{t, secret};
  });
}

Outcome<ApiTokenListDoc> list_api_tokens(Session& s) {
  return guarded([&] {
    store::Tx tx(s.db, sql::TxMode::read);
    ApiTokenListDoc out;
    for (auto& t : tx.api_tokens()) out.tokens.push_back(ApiTokenDoc{std::move(t), std::nullopt});
    return out;
  });
}

Outcome<ApiTokenDoc> revoke_api_token(Session& s, const std::string& name) {
  return guarded([&] {
    store::Tx tx(s.db, sql::TxMode::write);
    std::optional<store::ApiTokenRecord> found;
    for (auto& t : tx.api_tokens()) {
      if (t.name == name) found = t;
    }
    if (!found) throw Refused(Code::unknown_token, "no API token named " + name);
    if (found->revoked_at) {
      return ApiTokenDoc{*found, std::nullopt};  // already revoked: nothing to do
    }
    found->revoked_at = s.ledger.now();
    tx.revoke_api_token(name, *found->revoked_at);
    record(tx, s, Action::token_revoke, std::nullopt,
           details_json({{"name", name}, {"role", found->role}}), std::nullopt);
    tx.commit();
    refresh_checkpoint(s);
    return ApiTokenDoc{*found, std::nullopt};
  });
}

std::optional<Caller> authenticate(Session& s, std::string_view presented) {
  if (presented.size() < kTokenPrefix.size() ||
      presented.substr(0, kTokenPrefix.size()) != kTokenPrefix || presented.size() > 128) {
    return std::nullopt;
  }
  store::Tx tx(s.db, sql::TxMode::read);
  const auto t = tx.api_token_by_hash(hash_token(presented));
  if (!t || t->revoked_at) return std::nullopt;
  const auto role = role_from_string(t->role);
  if (!role) return std::nullopt;
  return Caller{t->name, *role};
}

}  // namespace licet::issuer::core
