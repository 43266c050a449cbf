#include <exception>
#include <new>

#include "device_id.hpp"
#include "license_from_claims.hpp"
#include "licet/common/armor.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/json.hpp"
#include "licet/common/paseto.hpp"
#include "licet/common/sodium_init.hpp"
#include "licet/common/verdict.hpp"
#include "licet/keys/paserk.hpp"
#include "verifier_impl.hpp"

#ifndef LICET_VERSION_STRING
#define LICET_VERSION_STRING "0.0.0"
#endif

namespace licet {
namespace {

constexpr std::size_t kMaxFooterBytes = 1024;
constexpr std::int64_t kMaxTolerance = 366LL * 24 * 3600;
constexpr std::int64_t kMaxNetworkTimeoutMs = 600000;
constexpr ReadOptions kLicenseFileRead{FileKind::regular, ErrorCode::malformed};

VerifyResult fail(Error e) {
  return VerifyResult{e.code, std::move(e.message), std::nullopt};
}
VerifyResult fail(ErrorCode code, std::string message) {
  return VerifyResult{code, std::move(message), std::nullopt};
}

Error malformed(std::string message) {
  return make_error(ErrorCode::malformed, std::move(message));
}

// The boundary: whatever escapes (bad_alloc, a throwing clock callback) becomes io_error.
template <class F>
auto guarded(F&& f) noexcept -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return make_error(ErrorCode::io_error, "out of memory while checking the license");
  } catch (const std::exception& e) {
    return make_error(ErrorCode::io_error, std::string("license check failed: ") + e.what());
  } catch (...) {
    return make_error(ErrorCode::io_error, "license check failed: unknown exception");
  }
}

template <class F>
VerifyResult guarded_result(F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return fail(ErrorCode::io_error, "out of memory while checking the license");
  } catch (const std::exception& e) {
    return fail(ErrorCode::io_error, std::string("license check failed: ") + e.what());
  } catch (...) {
    return fail(ErrorCode::io_error, "license check failed: unknown exception");
  }
}

// The key id from a footer {"kid":"k4.pid.…"}: limits 1 KiB and depth 1, other flat members
// tolerated. The canonical spelling the issuer writes is read without building a JSON document
// (it is on every fresh check); any other spelling goes through the strict parser.
Result<std::string> footer_kid(std::string_view footer) {
  if (footer.empty()) return malformed("license token has no footer naming its signing key");
  if (footer.size() > kMaxFooterBytes) return malformed("license footer is larger than 1 KiB");
  constexpr std::string_view kPre = "{\"kid\":\"";
  constexpr std::string_view kPost = "\"}";
  std::string pid;
  const auto plain = [](std::string_view v) {  // no quote or backslash (one pass, no memchr)
    for (char c : v) {
      if (c == '"' || c == '\\') return false;
    }
    return true;
  };
  if (footer.size() > kPre.size() + kPost.size() && footer.substr(0, kPre.size()) == kPre &&
      footer.substr(footer.size() - kPost.size()) == kPost &&
      plain(footer.substr(kPre.size(), footer.size() - kPre.size() - kPost.size()))) {
    pid = footer.substr(kPre.size(), footer.size() - kPre.size() - kPost.size());
  } else {
    auto doc = json::parse_object(footer, {kMaxFooterBytes, 1});
    if (!doc) return malformed("license footer: " + doc.error().message);
    const rapidjson::Value& fields = *doc;
    const auto kid = fields.FindMember("kid");
    if (kid == fields.MemberEnd() || !kid->value.IsString()) {
      return malformed("license footer has no \"kid\" naming its signing key");
    }
    pid.assign(kid->value.GetString(), kid->value.GetStringLength());
  }
  // Also refuses control and non-ASCII characters the fast path let through.
  if (!paserk::looks_like_pid(pid)) return malformed("license footer \"kid\" is not a k4.pid");
  return pid;
}

Error moved_from() {
  return make_error(ErrorCode::io_error, "this Verifier was moved from and cannot be used");
}

}  // namespace

Verifier::Impl::Impl(VerifierConfig cfg, keys::Keyring ring)
    : config(std::move(cfg)),
      app_id(config.app_id.empty() ? config.product : config.app_id),
      keyring(std::move(ring)),
      state(config.state_dir.empty()
                ? nullptr
                : std::make_shared<const detail::StateDir>(config.state_dir, app_id)),
      revocations({config.revocations_file, config.sync_url, config.state_dir,
                   config.tolerance_seconds, config.network_timeout_ms, state},
                  keyring) {
  if (state) guard.emplace(state, config.tolerance_seconds);
}

UnixTime Verifier::Impl::now() const {
  return config.clock ? config.clock() : system_now();
}

std::filesystem::path Verifier::Impl::stored_license_path() const {
  return std::filesystem::path(config.state_dir) / detail::StateDir::kLicenseFile;
}

Result<std::shared_ptr<const detail::Checked>> Verifier::Impl::authenticate(
    std::string_view license_text) const {
  auto file = armor::read(license_text);
  if (!file) return std::move(file).error();
  auto parsed = paseto::parse(file->token);
  if (!parsed) return std::move(parsed).error();

  auto kid = footer_kid(parsed->footer);
  if (!kid) return std::move(kid).error();
  const std::string_view pid = *kid;
  // The key always comes from the app's keyring, never from the token.
  const auto key = keyring.find(pid);
  if (!key) {
    return make_error(ErrorCode::unknown_key, "license is signed by key " + std::string(pid) +
                                                  ", which this application does not trust");
  }
  if (auto st = paseto::verify_signature(*parsed, *key); !st) return st.error();

  auto claims = claims_from_json(parsed->payload);
  if (!claims) return std::move(claims).error();
  auto checked = std::make_shared<detail::Checked>();
  checked->claims = std::move(*claims);
  checked->kid = std::move(*kid);
  return std::shared_ptr<const detail::Checked>(std::move(checked));
}

// The same code `licet inspect` runs (common/verdict), so both give the same verdict. Product
// and time are two steps so the clock guard can record every check that looked at the time.
Status Verifier::Impl::check_product(const Claims& c) const {
  return licet::check_product(c, config.product);
}

Status Verifier::Impl::check_time(const Claims& c, UnixTime now) const {
  return licet::check_time(c, TimePolicy{config.product, now, config.tolerance_seconds,
                                         config.release_date});
}

Result<std::string> Verifier::Impl::read_stored() const {
  if (config.state_dir.empty()) {
    return make_error(ErrorCode::io_error, "no state_dir is configured for the license store");
  }
  const auto path = stored_license_path();
  // not_activated only when the store is really empty; a state_dir that cannot be read (a
  // plain file, no permission) is an io_error, so the app never offers activation for a
  // disk problem.
  std::error_code ec;
  const auto dir_status = std::filesystem::status(path.parent_path(), ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return make_error(ErrorCode::io_error, "cannot read the license store " +
                                               path.parent_path().string() + ": " + ec.message());
  }
  if (std::filesystem::exists(dir_status) && !std::filesystem::is_directory(dir_status)) {
    return make_error(ErrorCode::io_error,
                      "the license store " + path.parent_path().string() + " is not a directory");
  }
  const auto file_status = std::filesystem::symlink_status(path, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return make_error(ErrorCode::io_error,
                      "cannot read the stored license " + path.string() + ": " + ec.message());
  }
  if (!std::filesystem::exists(file_status)) {
    return make_error(ErrorCode::not_activated, "no license is activated on this device");
  }
  auto text = read_file(path, armor::kMaxFileBytes, kLicenseFileRead);
  if (!text && text.code() == ErrorCode::malformed) {
    return make_error(ErrorCode::malformed,
                      "the stored license " + path.string() + " is damaged: " + text.error().message);
  }
  if (!text) {
    return make_error(ErrorCode::io_error,
                      "the stored license cannot be read: " + text.error().message);
  }
  return text;
}

Result<std::string> Verifier::Impl::presented_device(const DeviceOverride& device) const {
  if (device.device_id) {
    if (auto why = device::invalid_device_id_reason(*device.device_id); !why.empty()) {
      return malformed("the device ID given by the application is invalid: " + why);
    }
    return *device.device_id;
  }
  auto id = machine_device_id();
  if (!id) return std::move(id).error();
  return **id;
}

SyncResult Verifier::Impl::sync() const {
  if (revocations.reads_a_file()) {
    SyncResult r;
    r.status = SyncStatus::nothing_to_sync;
    r.message = "the revocation feed comes from the file " + config.revocations_file +
                ", which every check reads";
    return r;
  }
  std::string url = revocations.default_sync_url();
  if (url.empty()) {
    // The stored license may name the feed (its signature checked: a URL is followed only
    // when the vendor signed it).
    if (auto text = read_stored()) {
      if (auto checked = authenticate(*text); checked && (*checked)->claims.sync) {
        url = (*checked)->claims.sync->url;
      }
    }
  }
  if (url.empty()) {
    SyncResult r;
    r.status = SyncStatus::nothing_to_sync;
    r.message =
        "no revocation feed to sync: none is configured (sync_url) and no license checked or "
        "stored names one";
    return r;
  }
  return revocations.sync(url, now());
}

Result<const std::string*> Verifier::Impl::machine_device_id() const {
  if (const std::string* id = machine_device_id_ptr_.load(std::memory_order_acquire)) return id;
  std::lock_guard lock(device_mutex_);
  if (!machine_device_id_) {
    auto id = device_id(app_id, config.allow_device_id_override);
    if (!id) return std::move(id).error();  // not kept: LICET_DEVICE_ID may be set later
    machine_device_id_ = std::make_unique<const std::string>(std::move(*id));
    machine_device_id_ptr_.store(machine_device_id_.get(), std::memory_order_release);
  }
  return machine_device_id_.get();
}

Status Verifier::Impl::check_device(const Claims& c, const DeviceOverride& device) const {
  if (!c.devices) return {};
  std::string_view presented;
  if (device.device_id) {
    if (auto why = device::invalid_device_id_reason(*device.device_id); !why.empty()) {
      return malformed("the device ID given by the application is invalid: " + why);
    }
    presented = *device.device_id;
  } else {
    auto id = machine_device_id();
    if (!id) return std::move(id).error();
    presented = **id;
  }
  // The usual case, the very ID that was bound, needs no parsing.
  for (const auto& bound : *c.devices) {
    if (bound == presented) return {};
  }
  for (const auto& bound : *c.devices) {
    if (device_matches(bound, presented)) return {};
  }
  return make_error(ErrorCode::device_not_bound,
                    "license is not bound to this device (" + std::string(presented) + ")");
}

VerifyResult Verifier::Impl::verify(std::string_view license_text, const DeviceOverride& device,
                                    bool* unreadable) const {
  checks.fetch_add(1, std::memory_order_relaxed);
  const UnixTime now = this->now();
  if (now < kMinTime || now > kMaxTime) {
    return fail(ErrorCode::io_error, "the clock returned an impossible time");
  }

  std::shared_ptr<const detail::Checked> checked;
  if (config.recheck_cache) {
    checked = cache.find(license_text);
    if (checked) cache_hits.fetch_add(1, std::memory_order_relaxed);
  }
  if (!checked) {
    auto fresh = authenticate(license_text);
    if (!fresh) {
      if (unreadable != nullptr) *unreadable = true;
      return fail(std::move(fresh).error());
    }
    checked = std::move(*fresh);
    if (config.recheck_cache) cache.insert(license_text, checked);
  }

  const Claims& claims = checked->claims;
  if (auto st = check_product(claims); !st) return fail(st.error());
  // From here on the check looks at the time, so the clock guard records it whatever the answer
  // (an `expired` one too: docs/FORMAT.md, "clock.json"). Its own verdict still comes last.
  const Status time = check_time(claims, now);
  Status guard_status;
  if (guard) {
    const bool iat_plausible = claims.iat <= now + config.tolerance_seconds;
    guard_status = guard->observe(now, iat_plausible ? claims.iat : now);
  }
  if (!time) return fail(time.error());
  if (auto st = check_device(claims, device); !st) return fail(st.error());
  if (auto st = check_revocations(claims, checked->kid, now); !st) return fail(st.error());
  if (!guard_status) return fail(guard_status.error());
  return VerifyResult{ErrorCode::ok, {}, detail::license_from_claims(claims)};
}

// ---- public API ----

Verifier::Verifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Verifier::~Verifier() = default;
Verifier::Verifier(Verifier&&) noexcept = default;
Verifier& Verifier::operator=(Verifier&&) noexcept = default;

Result<Verifier> Verifier::create(VerifierConfig config) {
  return guarded([&]() -> Result<Verifier> {
    ensure_sodium();
    if (config.product.empty()) return malformed("the verifier needs the product id");
    if (config.public_keys.empty()) return malformed("the verifier needs at least one public key");
    if (config.tolerance_seconds < 0 || config.tolerance_seconds > kMaxTolerance) {
      return malformed("tolerance_seconds must be between 0 and one year");
    }
    if (config.release_date &&
        (*config.release_date < kMinTime || *config.release_date > kMaxTime)) {
      return malformed("release_date is out of range");
    }
    if (config.network_timeout_ms < 1 || config.network_timeout_ms > kMaxNetworkTimeoutMs) {
      return malformed("network_timeout_ms must be between 1 and 600000 (ten minutes)");
    }
    keys::Keyring ring;
    for (std::size_t i = 0; i < config.public_keys.size(); ++i) {
      auto added = ring.add(config.public_keys[i]);
      if (!added) {
        return malformed("public key " + std::to_string(i + 1) + ": " + added.error().message);
      }
    }
    return Verifier(std::make_unique<Impl>(std::move(config), std::move(ring)));
  });
}

VerifyResult Verifier::verify(std::string_view license_text, const DeviceOverride& device) const {
  return guarded_result([&] {
    if (!impl_) return fail(moved_from());
    return impl_->verify(license_text, device);
  });
}

VerifyResult Verifier::verify_file(const std::string& path, const DeviceOverride& device) const {
  return guarded_result([&] {
    if (!impl_) return fail(moved_from());
    // A regular file only: a FIFO would block the application, a device is no license file.
    // Over the size limit is malformed, as for license text in memory (docs/FORMAT.md).
    auto text = read_file(path, armor::kMaxFileBytes, kLicenseFileRead);
    if (!text) return fail(std::move(text).error());
    return impl_->verify(*text, device);
  });
}

VerifyResult Verifier::store(std::string_view license_text, const DeviceOverride& device) const {
  return guarded_result([&] {
    if (!impl_) return fail(moved_from());
    if (impl_->config.state_dir.empty()) {
      return fail(ErrorCode::io_error, "no state_dir is configured for the license store");
    }
    auto result = impl_->verify(license_text, device);
    if (!result.ok()) return result;
    // Stored in canonical armor (comments kept): the same token, whatever wrapping it came in.
    auto file = armor::read(license_text);
    if (!file) return fail(std::move(file).error());
    const auto path = impl_->stored_license_path();
    if (auto st = detail::ensure_state_dir(path.parent_path()); !st) return fail(st.error());
    if (auto st = write_file_atomic(path, armor::write(file->token, file->comments), 0600); !st) {
      return fail(st.error());
    }
    return result;
  });
}

VerifyResult Verifier::verify_stored(const DeviceOverride& device) const {
  return guarded_result([&] {
    if (!impl_) return fail(moved_from());
    auto text = impl_->read_stored();
    if (!text) return fail(std::move(text).error());
    bool unreadable = false;
    auto result = impl_->verify(*text, device, &unreadable);
    // Only the stored file's own failures: a malformed feed file is not a damaged store.
    if (unreadable &&
        (result.code == ErrorCode::malformed || result.code == ErrorCode::bad_signature)) {
      result.message = "the stored license " + impl_->stored_license_path().string() +
                       " is damaged: " + result.message;
    }
    return result;
  });
}

Status Verifier::clear_stored() const {
  try {
    if (!impl_) return moved_from();
    if (impl_->config.state_dir.empty()) {
      return make_error(ErrorCode::io_error, "no state_dir is configured for the license store");
    }
    const auto path = impl_->stored_license_path();
    std::error_code ec;
    std::filesystem::remove(path, ec);
    if (ec) {
      return make_error(ErrorCode::io_error,
                        "cannot remove " + path.string() + ": " + ec.message());
    }
    return {};
  } catch (const std::exception& e) {
    return make_error(ErrorCode::io_error,
                      std::string("cannot remove the stored license: ") + e.what());
  }
}

SyncResult Verifier::sync() const noexcept {
  try {
    if (!impl_) {
      SyncResult r;
      r.status = SyncStatus::io_error;
      r.message = moved_from().message;
      return r;
    }
    return impl_->sync();
  } catch (const std::exception& e) {
    SyncResult r;
    r.status = SyncStatus::io_error;
    r.message = std::string("sync failed: ") + e.what();
    return r;
  }
}

Status Verifier::start_background_sync(std::int64_t period_seconds,
                                       SyncFailureCallback on_failure) const {
  return guarded([&]() -> Status {
    if (!impl_) return moved_from();
    if (period_seconds < 1) return malformed("the background sync period must be >= 1 second");
    const Impl* impl = impl_.get();
    impl_->background.start(
        std::chrono::seconds(period_seconds), [impl] { return impl->sync(); },
        std::move(on_failure));
    return {};
  });
}

void Verifier::stop_background_sync() const noexcept {
  if (impl_) impl_->background.stop();
}

const VerifierConfig& Verifier::config() const {
  static const VerifierConfig kEmpty;
  return impl_ ? impl_->config : kEmpty;
}

Verifier::Stats Verifier::stats() const {
  Stats s;
  if (!impl_) return s;
  s.checks = impl_->checks.load(std::memory_order_relaxed);
  s.cache_hits = impl_->cache_hits.load(std::memory_order_relaxed);
  s.cache_entries = impl_->cache.size();
  return s;
}

std::string_view library_version() {
  return LICET_VERSION_STRING;
}

}  // namespace licet
