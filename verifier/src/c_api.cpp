// The C ABI over licet::Verifier. Every entry point catches everything: a C caller cannot
// handle a C++ exception, so an allocation failure becomes a result, never an abort.
#include "licet/licet.h"

#include <cstring>
#include <exception>
#include <new>
#include <optional>
#include <string>

#include "c_api_internal.hpp"
#include "licet/verifier.hpp"

namespace {

static_assert(static_cast<int>(licet::ErrorCode::ok) == LICET_OK);
static_assert(static_cast<int>(licet::ErrorCode::malformed) == LICET_MALFORMED);
static_assert(static_cast<int>(licet::ErrorCode::bad_signature) == LICET_BAD_SIGNATURE);
static_assert(static_cast<int>(licet::ErrorCode::unknown_key) == LICET_UNKNOWN_KEY);
static_assert(static_cast<int>(licet::ErrorCode::wrong_product) == LICET_WRONG_PRODUCT);
static_assert(static_cast<int>(licet::ErrorCode::not_yet_valid) == LICET_NOT_YET_VALID);
static_assert(static_cast<int>(licet::ErrorCode::expired) == LICET_EXPIRED);
static_assert(static_cast<int>(licet::ErrorCode::maintenance_expired) == LICET_MAINTENANCE_EXPIRED);
static_assert(static_cast<int>(licet::ErrorCode::device_not_bound) == LICET_DEVICE_NOT_BOUND);
static_assert(static_cast<int>(licet::ErrorCode::revoked) == LICET_REVOKED);
static_assert(static_cast<int>(licet::ErrorCode::superseded) == LICET_SUPERSEDED);
static_assert(static_cast<int>(licet::ErrorCode::stale_revocations) == LICET_STALE_REVOCATIONS);
static_assert(static_cast<int>(licet::ErrorCode::clock_tampered) == LICET_CLOCK_TAMPERED);
static_assert(static_cast<int>(licet::ErrorCode::io_error) == LICET_IO_ERROR);
static_assert(static_cast<int>(licet::ErrorCode::not_activated) == LICET_NOT_ACTIVATED);
static_assert(static_cast<int>(licet::ErrorCode::lease_expired) == LICET_LEASE_EXPIRED);

constexpr int kLastCode = LICET_LEASE_EXPIRED;

thread_local std::string t_last_error;

licet_error to_c(licet::ErrorCode code) {
  return static_cast<licet_error>(code);
}

const char* str(const char* s) {
  return s != nullptr ? s : "";
}

const licet::License* license_of(const licet_result* r) {
  if (r == nullptr || !r->result.ok() || !r->result.license) return nullptr;
  return &*r->result.license;
}

licet::VerifyResult failure(licet::ErrorCode code, const char* message) {
  licet::VerifyResult r;
  r.code = code;
  r.message = message;
  return r;
}

// Hands a VerifyResult to the caller; returns its code. Allocation failure still yields the code.
licet_error deliver(licet::VerifyResult&& result, licet_result** out) {
  const licet_error code = to_c(result.code);
  if (out != nullptr) *out = new (std::nothrow) licet_result{std::move(result)};
  return code;
}

licet::DeviceOverride device_of(const char* device_id) {
  licet::DeviceOverride d;
  if (device_id != nullptr) d.device_id = std::string(device_id);
  return d;
}

// Runs a check; maps exceptions and bad arguments to results so nothing escapes.
template <class F>
licet_error guarded(const licet_verifier* v, licet_result** out, F&& check) {
  if (out != nullptr) *out = nullptr;
  try {
    if (v == nullptr) {
      return deliver(failure(licet::ErrorCode::malformed, "invalid argument: verifier is NULL"),
                     out);
    }
    return deliver(check(v->verifier), out);
  } catch (const std::bad_alloc&) {
    return deliver(failure(licet::ErrorCode::io_error, "out of memory"), out);
  } catch (...) {
    return deliver(failure(licet::ErrorCode::io_error, "internal error"), out);
  }
}

template <class T, class F>
T read_license(const licet_result* r, T fallback, F&& get) noexcept {
  const licet::License* l = license_of(r);
  return l != nullptr ? get(*l) : fallback;
}

}  // namespace

extern "C" {

void licet_config_init(licet_config* config) {
  if (config == nullptr) return;
  *config = licet_config{};
  config->tolerance_seconds = 300;
  config->recheck_cache = 1;
  config->network_timeout_ms = 10000;
}

licet_error licet_verifier_new(const licet_config* config, licet_verifier** out) {
  try {
    t_last_error.clear();
    if (out == nullptr) {
      t_last_error = "invalid argument: out is NULL";
      return LICET_MALFORMED;
    }
    *out = nullptr;
    if (config == nullptr) {
      t_last_error = "invalid argument: config is NULL";
      return LICET_MALFORMED;
    }
    if (config->public_key_count > 0 && config->public_keys == nullptr) {
      t_last_error = "invalid argument: public_keys is NULL";
      return LICET_MALFORMED;
    }
    licet::VerifierConfig c;
    for (std::size_t i = 0; i < config->public_key_count; ++i) {
      c.public_keys.emplace_back(str(config->public_keys[i]));
    }
    c.product = str(config->product);
    c.app_id = str(config->app_id);
    if (config->release_date != 0) c.release_date = config->release_date;
    c.tolerance_seconds = config->tolerance_seconds;
    c.state_dir = str(config->state_dir);
    c.recheck_cache = config->recheck_cache != 0;
    c.revocations_file = str(config->revocations_file);
    c.sync_url = str(config->sync_url);
    if (config->network_timeout_ms != 0) c.network_timeout_ms = config->network_timeout_ms;
    c.allow_device_id_override = config->allow_device_id_override != 0;
    auto created = licet::Verifier::create(std::move(c));
    if (!created) {
      t_last_error = created.error().message;
      return to_c(created.error().code);
    }
    *out = new licet_verifier{std::move(created).value()};
    return LICET_OK;
  } catch (const std::bad_alloc&) {
    t_last_error = "out of memory";
    return LICET_IO_ERROR;
  } catch (...) {
    t_last_error = "internal error";
    return LICET_IO_ERROR;
  }
}

void licet_verifier_free(licet_verifier* verifier) {
  delete verifier;
}

licet_error licet_verify(const licet_verifier* verifier, const char* text, std::size_t len,
                         const char* device_id, licet_result** out) {
  return guarded(verifier, out, [&](const licet::Verifier& v) {
    if (text == nullptr && len != 0) {
      return failure(licet::ErrorCode::malformed, "invalid argument: text is NULL");
    }
    return v.verify(std::string_view(text != nullptr ? text : "", len), device_of(device_id));
  });
}

licet_error licet_verify_file(const licet_verifier* verifier, const char* path,
                              const char* device_id, licet_result** out) {
  return guarded(verifier, out, [&](const licet::Verifier& v) {
    if (path == nullptr)
      return failure(licet::ErrorCode::io_error, "invalid argument: path is NULL");
    return v.verify_file(path, device_of(device_id));
  });
}

licet_error licet_store(const licet_verifier* verifier, const char* text, std::size_t len,
                        const char* device_id, licet_result** out) {
  return guarded(verifier, out, [&](const licet::Verifier& v) {
    if (text == nullptr && len != 0) {
      return failure(licet::ErrorCode::malformed, "invalid argument: text is NULL");
    }
    return v.store(std::string_view(text != nullptr ? text : "", len), device_of(device_id));
  });
}

licet_error licet_verify_stored(const licet_verifier* verifier, const char* device_id,
                                licet_result** out) {
  return guarded(verifier, out,
                 [&](const licet::Verifier& v) { return v.verify_stored(device_of(device_id)); });
}

licet_error licet_clear_stored(const licet_verifier* verifier) {
  if (verifier == nullptr) return LICET_MALFORMED;
  try {
    return to_c(verifier->verifier.clear_stored().code());
  } catch (...) {
    return LICET_IO_ERROR;
  }
}

void licet_result_free(licet_result* result) {
  delete result;
}

licet_error licet_result_code(const licet_result* result) {
  return result != nullptr ? to_c(result->result.code) : LICET_MALFORMED;
}

const char* licet_result_message(const licet_result* result) {
  return result != nullptr ? result->result.message.c_str() : "invalid argument: result is NULL";
}

const char* licet_result_license_key(const licet_result* r) {
  return read_license(r, "", [](const licet::License& l) { return l.license_key.c_str(); });
}
const char* licet_result_customer(const licet_result* r) {
  return read_license(r, "", [](const licet::License& l) { return l.customer.c_str(); });
}
const char* licet_result_product(const licet_result* r) {
  return read_license(r, "", [](const licet::License& l) { return l.product.c_str(); });
}
const char* licet_result_vendor(const licet_result* r) {
  return read_license(r, "", [](const licet::License& l) { return l.vendor.c_str(); });
}
const char* licet_result_token_id(const licet_result* r) {
  return read_license(r, "", [](const licet::License& l) { return l.token_id.c_str(); });
}
int64_t licet_result_revision(const licet_result* r) {
  return read_license(r, int64_t{0}, [](const licet::License& l) { return l.revision; });
}
int64_t licet_result_seats(const licet_result* r) {
  return read_license(r, int64_t{0}, [](const licet::License& l) { return l.seats; });
}
int64_t licet_result_issued_at(const licet_result* r) {
  return read_license(r, int64_t{0}, [](const licet::License& l) { return l.issued_at; });
}
int licet_result_has_not_before(const licet_result* r) {
  return read_license(r, 0, [](const licet::License& l) { return l.not_before ? 1 : 0; });
}
int64_t licet_result_not_before(const licet_result* r) {
  return read_license(r, int64_t{0},
                      [](const licet::License& l) { return l.not_before.value_or(0); });
}
int licet_result_has_expires_at(const licet_result* r) {
  return read_license(r, 0, [](const licet::License& l) { return l.expires_at ? 1 : 0; });
}
int64_t licet_result_expires_at(const licet_result* r) {
  return read_license(r, int64_t{0},
                      [](const licet::License& l) { return l.expires_at.value_or(0); });
}
int licet_result_has_maintenance_until(const licet_result* r) {
  return read_license(r, 0, [](const licet::License& l) { return l.maintenance_until ? 1 : 0; });
}
int64_t licet_result_maintenance_until(const licet_result* r) {
  return read_license(r, int64_t{0},
                      [](const licet::License& l) { return l.maintenance_until.value_or(0); });
}

std::size_t licet_result_feature_count(const licet_result* r) {
  return read_license(r, std::size_t{0}, [](const licet::License& l) { return l.features.size(); });
}
const char* licet_result_feature_at(const licet_result* r, std::size_t index) {
  return read_license(r, static_cast<const char*>(nullptr), [&](const licet::License& l) {
    return index < l.features.size() ? l.features[index].c_str() : nullptr;
  });
}
int licet_result_has_feature(const licet_result* r, const char* feature) {
  if (feature == nullptr) return 0;
  return read_license(r, 0,
                      [&](const licet::License& l) { return l.has_feature(feature) ? 1 : 0; });
}

int licet_result_is_node_locked(const licet_result* r) {
  return read_license(r, 0, [](const licet::License& l) { return l.devices ? 1 : 0; });
}
std::size_t licet_result_device_count(const licet_result* r) {
  return read_license(r, std::size_t{0},
                      [](const licet::License& l) { return l.devices ? l.devices->size() : 0; });
}
const char* licet_result_device_at(const licet_result* r, std::size_t index) {
  return read_license(r, static_cast<const char*>(nullptr), [&](const licet::License& l) {
    return l.devices && index < l.devices->size() ? (*l.devices)[index].c_str() : nullptr;
  });
}

std::size_t licet_result_meta_count(const licet_result* r) {
  return read_license(r, std::size_t{0}, [](const licet::License& l) { return l.meta.size(); });
}
const char* licet_result_meta_name_at(const licet_result* r, std::size_t index) {
  return read_license(r, static_cast<const char*>(nullptr), [&](const licet::License& l) {
    if (index >= l.meta.size()) return static_cast<const char*>(nullptr);
    auto it = l.meta.begin();
    std::advance(it, static_cast<std::ptrdiff_t>(index));
    return it->first.c_str();
  });
}
const char* licet_result_meta(const licet_result* r, const char* name) {
  if (name == nullptr) return nullptr;
  return read_license(r, static_cast<const char*>(nullptr), [&](const licet::License& l) {
    // std::map<std::string, …>::find(const char*) would build a std::string, which may throw.
    for (const auto& [key, value] : l.meta) {
      if (std::strcmp(key.c_str(), name) == 0) return value.c_str();
    }
    return static_cast<const char*>(nullptr);
  });
}

const char* licet_error_string(int code) {
  if (code < 0 || code > kLastCode) return "unknown";
  // to_string returns views of string literals, so .data() is NUL-terminated.
  return licet::to_string(static_cast<licet::ErrorCode>(code)).data();
}

int licet_device_id(const char* app_id, char* buf, std::size_t buflen) {
  try {
    t_last_error.clear();
    if (app_id == nullptr || buf == nullptr) {
      t_last_error = "invalid argument: app_id or buf is NULL";
      return -1;
    }
    auto id = licet::device_id(app_id);
    if (!id) {
      t_last_error = id.error().message;
      return -1;
    }
    if (id->size() + 1 > buflen) {
      t_last_error = "buffer too small for the device ID";
      return -1;
    }
    std::memcpy(buf, id->c_str(), id->size() + 1);
    return 0;
  } catch (...) {
    t_last_error = "internal error";
    return -1;
  }
}

const char* licet_last_error(void) {
  return t_last_error.c_str();
}

const char* licet_version(void) {
  // library_version() may not be NUL-terminated in general; copy it once.
  static const std::string version = [] {
    try {
      return std::string(licet::library_version());
    } catch (...) {
      return std::string();
    }
  }();
  return version.c_str();
}

}  // extern "C"

std::string& licet_capi_last_error_slot() {
  return t_last_error;
}
