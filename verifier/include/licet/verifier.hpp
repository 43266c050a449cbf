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

// ---- Online activation (optional): `licet serve`'s POST /v1/activate ----------------------

enum class ActivationStatus {
  activated,        // a seat was taken for this device; the license is stored
  already_active,   // this device held a seat already; the current license is stored
  seats_full,       // every seat is taken: deactivate another device first
  revoked,          // the license was revoked
  expired,          // the license has expired
  unknown_license,  // the server has no license with this key
  rate_limited,     // too many unknown keys from this address; see retry_after
  bad_request,      // the request was refused as malformed (or the arguments were unusable)
  network_error,    // no connection (refused, unreachable, DNS)
  timeout,          // no answer in time
  tls_error,        // HTTPS handshake or certificate verification failed
  server_error,     // an answer that is none of the above (5xx, not JSON)
  invalid_license,  // the server's license does not verify here (wrong key, product, device)
  unavailable,      // built without libcurl (LICET_WITH_CURL=OFF)
};

std::string_view to_string(ActivationStatus status) noexcept;

struct ActivationOptions {
  DeviceOverride device;  // empty = this machine's device ID for the verifier's app_id
  std::string device_name, hostname, os;  // shown to the vendor; hostname defaults to this host's
  std::string ca_file;  // PEM CA bundle for https (a private CA); empty = the system's
  long connect_timeout_ms = 10000;
  long timeout_ms = 30000;
};

struct ActivationResult {
  ActivationStatus status = ActivationStatus::network_error;
  std::string message;           // one line; empty when activated or already active
  int http_status = 0;           // 0 when no HTTP answer arrived
  std::int64_t retry_after = 0;  // seconds, with rate_limited
  VerifyResult verification;     // Verifier::store of the returned license, when one came back

  bool ok() const {
    return status == ActivationStatus::activated || status == ActivationStatus::already_active;
  }
};

// Asks the activation server at `server_url` (e.g. "https://licenses.example.com") for a seat
// for this device and stores the returned license in the verifier's local store (state_dir), so
// later checks are offline (verify_stored). Never throws; every failure is a status.
ActivationResult activate_online(const Verifier& verifier, const std::string& server_url,
                                 const std::string& license_key,
                                 const ActivationOptions& options = {}) noexcept;

}  // namespace licet
