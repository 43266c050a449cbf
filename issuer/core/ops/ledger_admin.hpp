// Operations on the ledger as a whole and its administration: backup, restore, the audit trail
// (list, verify), settings, API tokens for the admin API.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/audit_check.hpp"
#include "core/backups.hpp"
#include "core/documents.hpp"
#include "core/ledger.hpp"
#include "core/refusal.hpp"

namespace licet::issuer::core {

struct BackupResult {
  LedgerSummary summary;
  std::string file;
  std::string keys_dir;  // where the secret keys are (not in the backup)
  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("file", file),
       cereal::make_nvp("bytes", static_cast<std::uint64_t>(summary.bytes)),
       cereal::make_nvp("schema_version", summary.schema_version),
       cereal::make_nvp("licenses", summary.licenses),
       cereal::make_nvp("audit_entries", summary.audit_entries));
    nullable(ar, "checkpoint", summary.checkpoint);
    ar(cereal::make_nvp("contains_secret_keys", false), cereal::make_nvp("keys_dir", keys_dir));
  }
};
Outcome<BackupResult> backup(Session& s, const std::filesystem::path& dest);

struct RestoreResult {
  std::string file;
  LedgerSummary summary;
  std::string pre_restore_backup;
  std::int64_t feed_sequence = 0;  // carried over: never lower than before the restore
  std::vector<std::string> missing_key_files;
  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("restored", file), cereal::make_nvp("licenses", summary.licenses),
       cereal::make_nvp("audit_entries", summary.audit_entries),
       cereal::make_nvp("pre_restore_backup", pre_restore_backup),
       cereal::make_nvp("feed_sequence", feed_sequence),
       cereal::make_nvp("missing_key_files", missing_key_files));
  }
};
// Refused(integrity) with details {kLiveLedgerDamaged} when the live ledger itself cannot be
// backed up first: then restore_damaged() is the way.
inline constexpr std::string_view kLiveLedgerDamaged = "live-ledger-damaged";
Outcome<RestoreResult> restore(Session& s, const std::filesystem::path& file);
// For a ledger that cannot be opened or backed up (empty, damaged): the damaged files are set
// aside in <data dir>/backups/ as they are, and the checked backup takes their place.
Outcome<RestoreResult> restore_damaged(LedgerOptions options, const std::filesystem::path& file,
                                       const std::string& actor);

struct AuditVerificationDoc {
  AuditVerification v;
  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("intact", v.intact), cereal::make_nvp("entries", v.entries));
    nullable(ar, "broken_entry", v.at_id);
    nullable(ar, "problem", v.intact ? std::nullopt : std::optional<std::string>(v.problem));
    nullable(ar, "checkpoint", v.checkpoint);
  }
};
Outcome<AuditVerificationDoc> verify_audit_trail(Session& s);

struct AuditListDoc {
  std::vector<AuditDoc> events;
  std::optional<std::int64_t> next_before;  // cursor for older events
  template <class A>
  void save(A& ar) const {
    doc_array(ar, "events", events);
    nullable(ar, "next_cursor", next_before);
  }
};
// Typed keys are normalised; `limit` 0 = everything, oldest first.
Outcome<AuditListDoc> audit_events(Session& s, std::optional<std::string> license_key,
                                   std::int64_t limit, std::int64_t before_id);

struct SettingDoc {
  std::string name;
  std::int64_t value = 0;
  bool is_default = true;
  std::string meaning;
  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("name", name), cereal::make_nvp("value", value),
       cereal::make_nvp("default", is_default), cereal::make_nvp("meaning", meaning));
  }
};
struct SettingsDoc {
  std::vector<SettingDoc> settings;
  template <class A>
  void save(A& ar) const {
    doc_array(ar, "settings", settings);
  }
};
Outcome<SettingsDoc> list_settings(Session& s);
Outcome<SettingDoc> set_setting(Session& s, const std::string& name, const std::string& value);

// ---- API tokens ---------------------------------------------------------------------------------
enum class Role { viewer = 0, support = 1, admin = 2 };  // each may do what the ones before may
std::optional<Role> role_from_string(std::string_view s);
std::string_view to_string(Role r);

struct ApiTokenDoc {
  store::ApiTokenRecord t;
  std::optional<std::string> secret;  // only when just created
  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("name", t.name), cereal::make_nvp("role", t.role));
    time_value(ar, "created_at", t.created_at);
    time_value(ar, "revoked_at", t.revoked_at);
    if (secret) ar(cereal::make_nvp("token", *secret));
  }
};
struct ApiTokenListDoc {
  std::vector<ApiTokenDoc> tokens;
  template <class A>
  void save(A& ar) const {
    doc_array(ar, "tokens", tokens);
  }
};
Outcome<ApiTokenDoc> create_api_token(Session& s, const std::string& name, const std::string& role);
Outcome<ApiTokenListDoc> list_api_tokens(Session& s);
Outcome<ApiTokenDoc> revoke_api_token(Session& s, const std::string& name);
struct Caller {
  std::string name;
  Role role = Role::viewer;
};
// The live token presented (Authorization: Bearer …), or nullopt.
std::optional<Caller> authenticate(Session& s, std::string_view presented);

}  // namespace licet::issuer::core
