// Internal state of a Verifier. Everything here is immutable after create() except the caches
// (re-check cache, this machine's device ID) and the state directory's files, which have their
// own locks.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "clock_guard.hpp"
#include "licet/common/claims.hpp"
#include "licet/keys/keyring.hpp"
#include "licet/verifier.hpp"
#include "lifecycle/background_sync.hpp"
#include "recheck_cache.hpp"
#include "revocation/checker.hpp"
#include "state/state_dir.hpp"

namespace licet {

struct Verifier::Impl {
  VerifierConfig config;
  std::string app_id;  // config.app_id, or the product when empty
  keys::Keyring keyring;
  std::shared_ptr<const detail::StateDir> state;  // set when config.state_dir is
  mutable detail::RecheckCache cache;             // has its own lock
  mutable detail::RevocationChecker revocations;  // has its own lock
  std::optional<detail::ClockGuard> guard;        // set when config.state_dir is
  mutable std::atomic<std::uint64_t> checks{0};
  mutable std::atomic<std::uint64_t> cache_hits{0};

  Impl(VerifierConfig cfg, keys::Keyring ring);

  // `unreadable`, when given, is set when the license text itself failed (armor, token, key,
  // signature, claims), as opposed to a later check.
  VerifyResult verify(std::string_view license_text, const DeviceOverride& device,
                      bool* unreadable = nullptr) const;

  // Armor → token syntax → key by kid → signature → claims syntax. The cacheable part.
  Result<std::shared_ptr<const detail::Checked>> authenticate(std::string_view license_text) const;

  // What must run on every check, cached or not, against the current time.
  Status check_product(const Claims& claims) const;
  Status check_time(const Claims& claims, UnixTime now) const;
  Status check_device(const Claims& claims, const DeviceOverride& device) const;

  // Revocation feed: runs after the device check and before the clock guard on every check
  // (cached or not): revoked / superseded / stale_revocations from config.revocations_file or
  // the synced feed. `kid` signed the license (the feed may list it as retired).
  Status check_revocations(const Claims& claims, std::string_view kid, UnixTime now) const;

  UnixTime now() const;
  std::filesystem::path stored_license_path() const;

  // The stored license's text: not_activated when the store is empty, io_error when it cannot
  // be read (a state_dir that is a file, no permission) or no state_dir is configured.
  Result<std::string> read_stored() const;

  // The device ID a check presents: the app's override, else this machine's for app_id.
  Result<std::string> presented_device(const DeviceOverride& device) const;

  // Verifier::sync: the feed URL is config.sync_url, else the last license checked's, else the
  // stored license's.
  SyncResult sync() const;

 private:
  // This machine's ID, computed once per Verifier (reading /sys and hashing costs more than
  // the signature check would), then read without a lock.
  Result<const std::string*> machine_device_id() const;
  mutable std::mutex device_mutex_;
  mutable std::unique_ptr<const std::string> machine_device_id_;
  mutable std::atomic<const std::string*> machine_device_id_ptr_{nullptr};

 public:
  // Last, so it is destroyed first: its thread uses everything above.
  mutable detail::BackgroundSync background;
};

}  // namespace licet
