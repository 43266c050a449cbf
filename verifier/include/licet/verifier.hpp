// licet verifier — the C++ API applications embed. Compiles as C++17. No exception crosses it:
// every failure is a value with an ErrorCode from DESIGN.md and a one-line message.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "licet/common/error.hpp"

namespace licet {

// What a valid license grants, as the app needs it.
struct License {
  std::string license_key;  // lic
  std::string customer;     // sub
  std::string product;      // aud
  std::string vendor;       // iss
  std::string token_id;     // jti
  std::int64_t revision = 1;
  std::int64_t seats = 1;
  std::int64_t issued_at = 0;                     // Unix seconds
  std::optional<std::int64_t> not_before;         // Unix seconds
  std::optional<std::int64_t> expires_at;         // absent = perpetual
  std::optional<std::int64_t> maintenance_until;  // absent = no maintenance limit
  std::vector<std::string> features;
  std::optional<std::vector<std::string>> devices;  // absent = not node-locked
  std::map<std::string, std::string> meta;
  std::optional<std::string> sync_url;       // revocation feed policy (`sync` claim)
  std::optional<std::int64_t> sync_max_age;  // seconds

  bool has_feature(std::string_view feature) const;
};

struct VerifyResult {
  ErrorCode code = ErrorCode::malformed;
  std::string message;             // one line, safe to log; empty when ok
  std::optional<License> license;  // set only when ok

  bool ok() const { return code == ErrorCode::ok; }
};

struct VerifierConfig {
  std::vector<std::string> public_keys;  // trusted "k4.public.…" keys (several during rotation)
  std::string product;                   // required: the token's aud must equal it
  std::string app_id;                    // keys the device ID; empty = product
  std::optional<std::int64_t> release_date;  // this build's release time, checked against maint
  std::int64_t tolerance_seconds = 300;      // clock skew allowed for iat/nbf/exp and the guard
  std::string state_dir;      // local license store + clock guard + feed cache; empty = none
  bool recheck_cache = true;  // answer a repeat of an identical check without the signature check
  std::function<std::int64_t()> clock;  // Unix seconds; empty = system clock (tests inject one)

  // Revocation feed (optional): a local file, or a URL synced over HTTP(S).
  std::string revocations_file;
  std::string sync_url;  // overrides the token's sync.url when set

  // The longest a check may wait on the network: only a license whose policy demands a sync
  // at every check (sync.max_age 0) makes verify() go online, and sync() uses it too.
  std::int64_t network_timeout_ms = 10000;
  // Take LICET_DEVICE_ID from the environment as this machine's device ID. Off by default:
  // otherwise anyone could copy a node-locked file and set the variable to an ID printed in it.
  // For containers, VMs and CI, where whoever runs the app sets the variable on purpose
  // (docs/SECURITY.md, "Device ID override").
  bool allow_device_id_override = false;
};

// How to identify this device for a check. Empty = compute this machine's ID for app_id
// (LICET_DEVICE_ID in the environment instead, when allow_device_id_override is set).
struct DeviceOverride {
  std::optional<std::string> device_id;  // a licet device ID or an app-supplied opaque ID
};

// ---- Revocation feed sync (docs/INTEGRATION.md, "Network") ---------------------------------

enum class SyncStatus {
  updated,          // a newer feed was downloaded, verified and installed
  unchanged,        // the server confirmed the feed already held (304): it is fresh again
  nothing_to_sync,  // no feed URL: none configured, and no license checked or stored names one
  refused,          // a feed arrived and was refused (see `code`); the feed held is kept
  network_error,    // no connection (refused, unreachable, DNS)
  timeout,          // no answer within network_timeout_ms
  tls_error,        // HTTPS handshake or certificate verification failed
  server_error,     // an HTTP answer other than the feed (404, 5xx…), or one too large
  unavailable,      // libcurl is not installed, or the build has no network code
  io_error,         // the feed cache in state_dir could not be written
};

std::string_view to_string(SyncStatus status) noexcept;

struct SyncResult {
  SyncStatus status = SyncStatus::network_error;
  std::string message;             // one line; empty when updated or unchanged
  std::string url;                 // where the feed was fetched from
  int http_status = 0;             // 0 when no HTTP answer arrived
  ErrorCode code = ErrorCode::ok;  // with `refused`: why (bad_signature, unknown_key,
                                   // stale_revocations for a rollback or a frozen feed…)

  bool ok() const { return status == SyncStatus::updated || status == SyncStatus::unchanged; }
};

// Called on the background refresher's thread after a sync that failed.
using SyncFailureCallback = std::function<void(const SyncResult&)>;

// ---- The license lifecycle on the activation server (docs/INTEGRATION.md) ------------------

enum class ActivationStatus {
  activated,            // a seat was taken for this device; the license is stored
  already_active,       // this device held a seat already; the current license is stored
  seats_full,           // every seat is taken: deactivate another device first
  revoked,              // the license was revoked
  expired,              // the license has expired
  unknown_license,      // the server has no license with this key
  rate_limited,         // too many requests from this address; see retry_after
  bad_request,          // the request was refused as malformed (or the arguments were unusable)
  network_error,        // no connection (refused, unreachable, DNS)
  timeout,              // no answer in time
  tls_error,            // HTTPS handshake or certificate verification failed
  server_error,         // an answer that is none of the above (5xx, not JSON)
  invalid_license,      // the server's license does not verify here (wrong key, device, clock)
  unavailable,          // libcurl is not installed, or the build has no network code
  wrong_product,        // the license is for another product; no seat was taken
  device_key_mismatch,  // this device ID is bound with another device key (another state dir)
  not_activatable,      // the license takes no new devices (node-locked by the vendor)
  io_error,             // the device key or the license could not be kept in state_dir
};

std::string_view to_string(ActivationStatus status) noexcept;

struct ActivationOptions {
  DeviceOverride device;  // empty = this machine's device ID for the verifier's app_id
  std::string device_name, hostname, os;  // shown to the vendor; hostname and os default to
                                          // this machine's
  std::string ca_file;  // PEM CA bundle for https (a private CA); empty = the system's
  long connect_timeout_ms = 10000;
  long timeout_ms = 30000;
};

struct ActivationResult {
  ActivationStatus status = ActivationStatus::network_error;
  std::string message;           // one line; empty when activated or already active
  int http_status = 0;           // 0 when no HTTP answer arrived
  std::int64_t retry_after = 0;  // seconds, with rate_limited
  std::int64_t revision = 0;     // the stored license's revision, when activated
  std::int64_t seats = 0;        // the license's seats and devices bound, when the server says
  std::int64_t bound = 0;
  VerifyResult verification;  // the check of the returned license, when one came back

  bool ok() const {
    return status == ActivationStatus::activated || status == ActivationStatus::already_active;
  }
};

enum class DeactivationStatus {
  deactivated,      // the server freed this device's seat; the stored license is cleared
  not_activated,    // no license is stored here: nothing to deactivate
  no_device_key,    // the stored license was bound without a device key (by the vendor):
                    // support removes such devices
  not_active,       // the server holds no seat for this device; the stored license is cleared
  transfer_cap,     // the license's device-transfer cap is reached: the seat is NOT freed and
                    // the license stays stored
  invalid_token,    // the server refused the device's signed request (key, clock, audience)
  unknown_license,  // the server has no license with this key
  rate_limited,     // too many requests from this address; see retry_after
  bad_request,      // the request was refused as malformed (or the arguments were unusable)
  network_error,    // no connection (refused, unreachable, DNS)
  timeout,          // no answer in time
  tls_error,        // HTTPS handshake or certificate verification failed
  server_error,     // an answer that is none of the above (5xx, not JSON)
  unavailable,      // libcurl is not installed, or the build has no network code
  io_error,         // the stored license or the device key could not be read, or the store
                    // could not be cleared after the server freed the seat
};

std::string_view to_string(DeactivationStatus status) noexcept;

struct DeactivationOptions {
  DeviceOverride device;  // empty = this machine's device ID for the verifier's app_id
  std::string ca_file;    // PEM CA bundle for https; empty = the system's
  long connect_timeout_ms = 10000;
  long timeout_ms = 30000;
};

struct DeactivationResult {
  DeactivationStatus status = DeactivationStatus::network_error;
  std::string message;  // one line; empty when deactivated
  int http_status = 0;
  std::int64_t retry_after = 0;  // seconds, with rate_limited
  std::int64_t seats = 0;        // when the server says
  std::int64_t bound = 0;

  bool ok() const { return status == DeactivationStatus::deactivated; }
};

// Offline activation and deactivation requests (docs/FORMAT.md, "Activation request",
// "Deactivation request"), for machines that never reach the activation server.
struct OfflineRequestOptions {
  std::string state_dir;  // holds the device key (and, for deactivation, the stored license)
  std::string app_id;     // keys this machine's device ID
  std::string product;    // activation: the product the license must be for
  DeviceOverride device;  // empty = this machine's device ID for app_id
  std::string device_name, hostname, os;  // activation: shown to the vendor; hostname and os
                                          // default to this machine's
  bool allow_device_id_override = false;  // as VerifierConfig::allow_device_id_override
};

// The JSON of an activation request (version 2) for `license_key`, with this device's key
// (created in state_dir on first use) — for the vendor's `licet activation respond`.
Result<std::string> make_activation_request(std::string_view license_key,
                                            const OfflineRequestOptions& options);

// The JSON of a deactivation request for the license stored in state_dir, signed by the device
// key (valid 30 days), for the vendor's `licet activation deactivate`. not_activated when nothing
// is stored. The caller delivers the request and then clears the stored license
// (Verifier::clear_stored; the C ABI's licet_write_deactivation_request and `licet-verify
// deactivation-request` do both): the app stops using the seat when the request leaves.
Result<std::string> make_deactivation_request(const OfflineRequestOptions& options);

class Verifier {
 public:
  // Fails with `malformed` when a key is not a valid k4.public or the product is empty.
  static Result<Verifier> create(VerifierConfig config);

  // Safe to call concurrently on one Verifier.
  VerifyResult verify(std::string_view license_text, const DeviceOverride& device = {}) const;
  // `path` must be a regular file (or a symlink to one): a FIFO, device or directory is io_error
  // without being read, so nothing planted there can block the app; over 2 MiB is malformed.
  VerifyResult verify_file(const std::string& path, const DeviceOverride& device = {}) const;

  // Local license store in state_dir: a license that is not stored is not activated.
  // store() verifies first and saves only a valid license (atomically).
  VerifyResult store(std::string_view license_text, const DeviceOverride& device = {}) const;
  VerifyResult verify_stored(const DeviceOverride& device = {}) const;
  Status clear_stored() const;

  // Online lifecycle against the vendor's `licet serve` at `server_url` (e.g.
  // "https://licenses.example.com"). Never throw; every answer and failure is a status.
  // activate: first launch. Creates this device's key in state_dir (once), asks for a seat for
  // this device and product, verifies the returned license and only then stores it.
  ActivationResult activate(const std::string& server_url, const std::string& license_key,
                            const ActivationOptions& options = {}) const noexcept;
  // deactivate: frees this device's seat with a request signed by the device key, then clears
  // the stored license. A transfer-cap refusal keeps everything as it was.
  DeactivationResult deactivate(const std::string& server_url,
                                const DeactivationOptions& options = {}) const noexcept;

  // Offline requests for this verifier's state_dir, app and product (see the free functions).
  Result<std::string> activation_request(std::string_view license_key,
                                         const DeviceOverride& device = {}) const;
  Result<std::string> deactivation_request(const DeviceOverride& device = {}) const;

  // Downloads the revocation feed (config.sync_url, else the sync.url of the license checked
  // last, else of the stored license), verifies it and keeps it in state_dir. Waits at most
  // network_timeout_ms and holds no lock meanwhile: checks on other threads go on. A license
  // whose feed is older than its sync.max_age is `stale_revocations` until a sync succeeds.
  SyncResult sync() const noexcept;

  // A thread that calls sync() now and then every `period_seconds` (>= 1) until
  // stop_background_sync() or the Verifier's destruction; each failed sync is reported to
  // `on_failure` (on that thread). Starting again replaces the running refresher.
  Status start_background_sync(std::int64_t period_seconds,
                               SyncFailureCallback on_failure = {}) const;
  void stop_background_sync() const noexcept;

  const VerifierConfig& config() const;

  // Counters since create(), for tests, benchmarks and diagnostics.
  struct Stats {
    std::uint64_t checks = 0;      // verify/verify_file/store/verify_stored calls that ran a check
    std::uint64_t cache_hits = 0;  // checks answered without armor, parsing and signature
    std::uint64_t cache_entries = 0;  // licenses held in the re-check cache now
  };
  Stats stats() const;

  ~Verifier();
  Verifier(Verifier&&) noexcept;
  Verifier& operator=(Verifier&&) noexcept;

  struct Impl;

 private:
  explicit Verifier(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// This machine's device ID for an app (see docs/FORMAT.md, "Device ID"), from its hardware.
// LICET_DEVICE_ID in the environment replaces it only with allow_override (an application that
// sets VerifierConfig::allow_device_id_override passes that).
Result<std::string> device_id(std::string_view app_id, bool allow_override = false);

// Whether a device presented for a check matches one bound in a license: licet device IDs match
// when at least 2 of their 3 components agree; any other ID must match exactly.
bool device_matches(std::string_view bound, std::string_view presented);

std::string_view library_version();

// The same as verifier.activate(server_url, license_key, options); kept for the apps written
// before the Verifier had lifecycle members.
ActivationResult activate_online(const Verifier& verifier, const std::string& server_url,
                                 const std::string& license_key,
                                 const ActivationOptions& options = {}) noexcept;

}  // namespace licet
