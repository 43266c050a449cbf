// A ledger transaction: every read and write the core needs, as portable SQL over one
// sql::Connection. Only issuer/store/ contains SQL; a backend (sqlite/, later postgres/) supplies
// the connection and its schema. A write transaction excludes every other writer of the ledger
// (BEGIN IMMEDIATE on SQLite); rows read through it are current, and the core re-checks its rules
// on them before it writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/audit_chain.hpp"
#include "store/records.hpp"
#include "store/sql.hpp"

namespace licet::issuer::store {

struct LicenseQuery {
  std::optional<std::string> key_prefix;         // canonical key starts with it
  std::optional<std::string> product;            // exact
  std::optional<std::string> customer_contains;  // case-insensitive (ASCII) substring
  std::optional<std::string> meta_contains;      // substring of any meta name or value
  std::optional<std::string> kind;               // exact
  std::optional<std::string> signed_by;          // a current file/machine file signed by this kid
  std::optional<std::int64_t> batch_id;
  // Raw predicates the core derives from a status (core/model.hpp); the store knows no statuses.
  std::optional<std::string> stored_status;  // active | revoked
  std::optional<UnixTime> expires_after;     // expires_at > t, or perpetual when perpetual_ok
  bool perpetual_ok = true;
  std::optional<UnixTime> expires_by;  // expires_at <= t (perpetual excluded)
  std::int64_t after_id = 0;           // cursor: ids greater than this, ascending
  std::int64_t limit = 0;              // 0 = no limit
};

// A license with its bound-device count, as lists and statistics need it.
struct LicenseListItem {
  LicenseRecord license;
  std::int64_t bound = 0;
};

struct AuditQuery {
  std::optional<std::string> license_key;
  std::optional<std::string> action_prefix;
  std::int64_t before_id = 0;  // cursor: ids lower than this (newest first); 0 = from the newest
  std::int64_t limit = 0;      // 0 = all, chronological
};

class Tx {
 public:
  Tx(sql::Connection& db, sql::TxMode mode);
  ~Tx();
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;
  void commit();
  sql::Connection& connection() { return db_; }
  // This transaction writes a lot (a batch): see sql::Connection::expect_bulk_writes.
  void expect_bulk_writes() { db_.expect_bulk_writes(); }

  // ---- licenses -------------------------------------------------------------------------
  std::optional<LicenseRecord> license(std::string_view key);
  std::optional<LicenseRecord> license_by_id(std::int64_t id);
  std::vector<LicenseListItem> licenses(const LicenseQuery& q);
  std::int64_t count_licenses(const LicenseQuery& q);
  std::int64_t insert_license(const LicenseRecord& r);  // returns the new id
  void update_license(const LicenseRecord& r);          // every mutable column, by id

  // ---- devices ----------------------------------------------------------------------------
  std::vector<DeviceRecord> devices(std::int64_t license_id, bool include_unbound);
  std::optional<DeviceRecord> bound_device(std::int64_t license_id, std::string_view device_id);
  std::int64_t bound_count(std::int64_t license_id);
  void insert_device(const DeviceRecord& d);
  void unbind_device(std::int64_t license_id, std::string_view device_id, UnixTime at,
                     const std::optional<std::string>& reason);
  void set_device_key(std::int64_t license_id, std::string_view device_id, std::string_view key);
  // Devices unbound from the license at or after `since` (the transfer cap's window).
  std::int64_t unbinds_since(std::int64_t license_id, UnixTime since);

  // ---- tokens (every signed file) ---------------------------------------------------------
  void insert_token(const TokenRecord& t);
  std::vector<TokenRecord> tokens(std::int64_t license_id);
  std::optional<TokenRecord> token(std::string_view jti);
  // The newest unrevoked token of the license (device empty) or of one device of it.
  std::optional<TokenRecord> latest_token(std::int64_t license_id,
                                          const std::optional<std::string>& device_id);
  // Marks every unrevoked token of the device revoked; returns how many.
  std::int64_t revoke_device_tokens(std::int64_t license_id, std::string_view device_id,
                                    UnixTime at);
  // jti of revoked tokens whose exp has not passed at `now` (perpetual ones included).
  std::vector<std::string> revoked_token_ids(UnixTime now);

  // ---- signing keys -----------------------------------------------------------------------
  std::vector<SigningKeyRecord> signing_keys();
  void insert_signing_key(const SigningKeyRecord& k);
  void update_signing_key(const SigningKeyRecord& k);  // state, retired_at, secret_file, encrypted

  // ---- settings -----------------------------------------------------------------------------
  std::optional<std::string> setting(std::string_view name);
  void set_setting(std::string_view name, std::string_view value);

  // ---- audit trail (hash-chained; docs/FORMAT.md "Audit trail") -----------------------------
  // Fills id, prev_hash and hash, appends, and moves the `audit_head` setting, within this
  // transaction. The chain head row is locked for the rest of the transaction.
  AuditRecord append_audit(AuditRecord e);
  std::vector<AuditRecord> audit(const AuditQuery& q);
  std::optional<AuditHead> audit_head();
  std::int64_t audit_count();

  // ---- revocation feed ------------------------------------------------------------------------
  FeedState feed_state();
  void set_feed_state(const FeedState& s);
  struct FeedLicense {
    std::string key;
    std::string status;
    std::int64_t superseded_below = 0;
  };
  // Licenses the feed must name: revoked, or with superseded revisions.
  std::vector<FeedLicense> feed_licenses();

  // ---- API tokens -------------------------------------------------------------------------------
  std::vector<ApiTokenRecord> api_tokens();
  std::optional<ApiTokenRecord> api_token_by_hash(const std::vector<std::uint8_t>& hash);
  void insert_api_token(const ApiTokenRecord& t);
  void revoke_api_token(std::string_view name, UnixTime at);

  // ---- request tokens: replay protection --------------------------------------------------------
  // Records the jti until it expires; false when it was seen before (a replay). Drops expired ones.
  bool remember_nonce(std::string_view jti, UnixTime expires_at, UnixTime now);

  // ---- apps seen per product (offline activation typo check) ------------------------------------
  bool app_known(std::string_view product, std::string_view app);
  void remember_app(std::string_view product, std::string_view app, UnixTime now);

  // ---- batches --------------------------------------------------------------------------------
  std::int64_t insert_batch(const BatchRecord& b);
  std::optional<BatchRecord> batch_for(std::string_view orders_hash, std::string_view out_dir);
  std::optional<BatchRecord> batch(std::int64_t id);
  void mark_batch_exported(std::int64_t id, UnixTime at);

 private:
  sql::Connection& db_;
  bool write_;
  bool done_ = false;
  // The chain's tip once this transaction has read or moved it; the `audit_head` setting is
  // written once, at commit.
  struct AuditTip {
    std::int64_t id = 0;
    AuditHash hash{};
  };
  std::optional<AuditTip> audit_tip_;
  bool head_dirty_ = false;
  void write_audit_head();
};

}  // namespace licet::issuer::store
