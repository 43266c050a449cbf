// Revocation policy of a Verifier: where the feed comes from (a file, or a URL synced over
// HTTP), what a license's `sync` claim demands, and the network rule: a check never waits on the
// network, except for a license whose policy demands a sync at every check (max_age 0), and then
// within network_timeout_ms and without holding the lock. Other refreshes happen in sync().
// Policy: docs/SECURITY.md and docs/OPERATIONS.md, "Revocation feed".
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "licet/common/claims.hpp"
#include "licet/common/error.hpp"
#include "licet/common/verdict.hpp"
#include "licet/verifier.hpp"
#include "revocation/feed_store.hpp"

namespace licet::detail {

struct RevocationSettings {
  std::string file;      // VerifierConfig::revocations_file
  std::string sync_url;  // VerifierConfig::sync_url (else the token's sync.url)
  std::filesystem::path state_dir;
  std::int64_t tolerance = 300;
  std::int64_t network_timeout_ms = 10000;  // VerifierConfig::network_timeout_ms
  std::shared_ptr<const StateDir> state;  // the feed cache's directory; null = memory only
};

class RevocationChecker {
 public:
  RevocationChecker(RevocationSettings settings, const keys::Keyring& keyring);

  // ok, revoked, superseded or stale_revocations (or the feed file's own error when a
  // configured file cannot be used). `kid` is the k4.pid that signed the license.
  Status check(const Claims& claims, std::string_view kid, UnixTime now);

  // Downloads the feed from `url`, verifies it and installs it (or confirms the one held, on a
  // 304). Holds the lock only around the store, never while waiting for the server.
  SyncResult sync(const std::string& url, UnixTime now);

  // The URL sync() uses when the app names none: the configured one, else the sync.url of the
  // last license checked; "" when neither exists.
  std::string default_sync_url() const;
  bool reads_a_file() const { return !settings_.file.empty(); }

 private:
  Status refresh_from_file(UnixTime now, bool& confirmed);
  Status look_at_file(UnixTime now);

  RevocationSettings settings_;
  mutable std::mutex mutex_;  // guards everything below; never held during a download
  FeedStore store_;
  std::optional<std::filesystem::file_time_type> file_mtime_;
  std::uintmax_t file_size_ = 0;
  std::optional<UnixTime> file_looked_at_;  // the verifier's second of the last look at the file
  Status file_status_;                      // and what that look concluded
  // The feed's names for the last license checked (hashes of lic and jti, the signer's key id):
  // an app re-checks the same file, and hashing costs more than the rest of a re-check.
  std::string keys_lic_, keys_jti_, keys_kid_;
  std::optional<RevocationKeys> keys_;
  std::optional<Error> file_error_;  // why the configured file was refused, until it changes
  std::string last_url_;             // the sync.url of the last license checked
  std::string last_failure_;         // why the last sync failed; "" after a success
};

}  // namespace licet::detail
