// Revocation policy of a Verifier: where the feed comes from (a file, or a URL synced over
// HTTP), when to sync, and what a license's `sync` claim demands. Policy: docs/SECURITY.md and
// docs/OPERATIONS.md, "Revocation feed".
#pragma once

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "licet/common/claims.hpp"
#include "licet/common/error.hpp"
#include "licet/common/verdict.hpp"
#include "revocation/feed_store.hpp"
#include "revocation/fetch.hpp"

namespace licet::detail {

struct RevocationSettings {
  std::string file;      // VerifierConfig::revocations_file
  std::string sync_url;  // VerifierConfig::sync_url (else the token's sync.url)
  std::filesystem::path state_dir;
  std::int64_t tolerance = 300;
  FetchOptions fetch;
};

class RevocationChecker {
 public:
  // Without a `sync` claim, a synced feed is refreshed at most this often.
  static constexpr std::int64_t kOfflineRefresh = 3600;
  // After a failed sync, the next attempt waits this long (max_age 0 always tries).
  static constexpr std::int64_t kRetryAfterFailure = 60;

  RevocationChecker(RevocationSettings settings, const keys::Keyring& keyring);

  // ok, revoked, superseded or stale_revocations (or the feed file's own error when a
  // configured file cannot be used). `kid` is the k4.pid that signed the license.
  Status check(const Claims& claims, std::string_view kid, UnixTime now);

 private:
  Status refresh_from_file(UnixTime now, bool& confirmed);
  Status look_at_file(UnixTime now);
  void maybe_sync(const std::string& url, const Claims& claims, UnixTime now, bool& confirmed);

  RevocationSettings settings_;
  std::mutex mutex_;  // one sync at a time; checks wait for it
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
  UnixTime last_attempt_ = 0;
  bool last_attempt_failed_ = false;
  std::string last_failure_;
};

}  // namespace licet::detail
