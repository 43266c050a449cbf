// The C ABI of the license lifecycle: activate, deactivate, sync, the background refresher and
// the offline requests, over the members of licet::Verifier. Every entry point catches
// everything: a C caller cannot handle a C++ exception.
#include <algorithm>
#include <cstring>
#include <new>

#include "c_api_internal.hpp"
#include "licet/common/file_io.hpp"

namespace {

using licet::ActivationStatus;
using licet::DeactivationStatus;
using licet::SyncStatus;

static_assert(static_cast<int>(ActivationStatus::activated) == LICET_ACTIVATION_ACTIVATED);
static_assert(static_cast<int>(ActivationStatus::unavailable) == LICET_ACTIVATION_UNAVAILABLE);
static_assert(static_cast<int>(ActivationStatus::wrong_product) == LICET_ACTIVATION_WRONG_PRODUCT);
static_assert(static_cast<int>(ActivationStatus::device_key_mismatch) ==
              LICET_ACTIVATION_DEVICE_KEY_MISMATCH);
static_assert(static_cast<int>(ActivationStatus::not_activatable) ==
              LICET_ACTIVATION_NOT_ACTIVATABLE);
static_assert(static_cast<int>(ActivationStatus::io_error) == LICET_ACTIVATION_IO_ERROR);
static_assert(static_cast<int>(DeactivationStatus::deactivated) == LICET_DEACTIVATION_DEACTIVATED);
static_assert(static_cast<int>(DeactivationStatus::transfer_cap) ==
              LICET_DEACTIVATION_TRANSFER_CAP);
static_assert(static_cast<int>(DeactivationStatus::io_error) == LICET_DEACTIVATION_IO_ERROR);
static_assert(static_cast<int>(SyncStatus::updated) == LICET_SYNC_UPDATED);
static_assert(static_cast<int>(SyncStatus::refused) == LICET_SYNC_REFUSED);
static_assert(static_cast<int>(SyncStatus::io_error) == LICET_SYNC_IO_ERROR);

const char* str(const char* s) {
  return s != nullptr ? s : "";
}

licet::DeviceOverride device_of(const char* device_id) {
  licet::DeviceOverride d;
  if (device_id != nullptr) d.device_id = std::string(device_id);
  return d;
}

licet_online_options defaults() {
  licet_online_options o;
  licet_online_options_init(&o);
  return o;
}

template <class Options>
void apply(const licet_online_options& in, Options& out) {
  out.device = device_of(in.device_id);
  out.ca_file = str(in.ca_file);
  if (in.connect_timeout_ms > 0) out.connect_timeout_ms = static_cast<long>(in.connect_timeout_ms);
  if (in.timeout_ms > 0) out.timeout_ms = static_cast<long>(in.timeout_ms);
}

// Hands an answer to the caller; returns its status. Allocation failure still yields it.
int deliver(licet_online&& answer, licet_online** out) {
  const int status = answer.status;
  if (out != nullptr) *out = new (std::nothrow) licet_online(std::move(answer));
  return status;
}

licet_online failure(int status, const char* message) {
  licet_online o;
  o.status = status;
  o.message = message;
  return o;
}

template <class Result>
licet_online answer_of(const Result& r) {
  licet_online o;
  o.status = static_cast<int>(r.status);
  o.message = r.message;
  o.http_status = r.http_status;
  o.retry_after = r.retry_after;
  o.seats = r.seats;
  o.bound = r.bound;
  return o;
}

template <class F>
int guarded(licet_online** out, int on_exception, F&& call) {
  if (out != nullptr) *out = nullptr;
  try {
    return deliver(call(), out);
  } catch (...) {
    return deliver(failure(on_exception, "out of memory"), out);
  }
}

licet_error request_failed(licet_error code, std::string message) {
  try {
    licet_capi_last_error_slot() = std::move(message);
  } catch (...) {
  }
  return code;
}

}  // namespace

extern "C" {

void licet_online_options_init(licet_online_options* options) {
  if (options == nullptr) return;
  *options = licet_online_options{};
  options->connect_timeout_ms = 10000;
  options->timeout_ms = 30000;
}

licet_activation licet_activate(const licet_verifier* verifier, const char* server_url,
                                const char* license_key, const licet_online_options* options,
                                licet_online** out) {
  return static_cast<licet_activation>(guarded(out, LICET_ACTIVATION_IO_ERROR, [&] {
    if (verifier == nullptr || server_url == nullptr || license_key == nullptr) {
      return failure(LICET_ACTIVATION_BAD_REQUEST,
                     "invalid argument: verifier, server_url or license_key is NULL");
    }
    const licet_online_options in = options != nullptr ? *options : defaults();
    licet::ActivationOptions opt;
    apply(in, opt);
    opt.device_name = str(in.device_name);
    opt.hostname = str(in.hostname);
    opt.os = str(in.os);
    const licet::ActivationResult r = verifier->verifier.activate(server_url, license_key, opt);
    licet_online o = answer_of(r);
    // A license came back (and was stored, or refused here): its check goes with the answer.
    if (r.ok() || r.status == ActivationStatus::invalid_license) {
      o.license = licet_result{r.verification};
    }
    return o;
  }));
}

licet_deactivation licet_deactivate(const licet_verifier* verifier, const char* server_url,
                                    const licet_online_options* options, licet_online** out) {
  return static_cast<licet_deactivation>(guarded(out, LICET_DEACTIVATION_IO_ERROR, [&] {
    if (verifier == nullptr || server_url == nullptr) {
      return failure(LICET_DEACTIVATION_BAD_REQUEST,
                     "invalid argument: verifier or server_url is NULL");
    }
    const licet_online_options in = options != nullptr ? *options : defaults();
    licet::DeactivationOptions opt;
    apply(in, opt);
    return answer_of(verifier->verifier.deactivate(server_url, opt));
  }));
}

licet_sync_status licet_sync(const licet_verifier* verifier, licet_online** out) {
  return static_cast<licet_sync_status>(guarded(out, LICET_SYNC_IO_ERROR, [&] {
    if (verifier == nullptr)
      return failure(LICET_SYNC_IO_ERROR, "invalid argument: verifier is NULL");
    const licet::SyncResult r = verifier->verifier.sync();
    licet_online o;
    o.status = static_cast<int>(r.status);
    o.message = r.message;
    o.http_status = r.http_status;
    return o;
  }));
}

licet_error licet_start_background_sync(const licet_verifier* verifier, int64_t period_seconds,
                                        licet_sync_callback on_failure, void* user) {
  if (verifier == nullptr) return LICET_MALFORMED;
  try {
    licet::SyncFailureCallback callback;
    if (on_failure != nullptr) {
      callback = [on_failure, user](const licet::SyncResult& r) {
        on_failure(user, static_cast<licet_sync_status>(r.status), r.message.c_str());
      };
    }
    return static_cast<licet_error>(
        verifier->verifier.start_background_sync(period_seconds, std::move(callback)).code());
  } catch (...) {
    return LICET_IO_ERROR;
  }
}

void licet_stop_background_sync(const licet_verifier* verifier) {
  if (verifier != nullptr) verifier->verifier.stop_background_sync();
}

void licet_online_free(licet_online* online) {
  delete online;
}

int licet_online_status(const licet_online* o) {
  return o != nullptr ? o->status : -1;
}

const char* licet_online_message(const licet_online* o) {
  return o != nullptr ? o->message.c_str() : "invalid argument: online is NULL";
}

int licet_online_http_status(const licet_online* o) {
  return o != nullptr ? o->http_status : 0;
}

int64_t licet_online_retry_after(const licet_online* o) {
  return o != nullptr ? o->retry_after : 0;
}

int64_t licet_online_seats(const licet_online* o) {
  return o != nullptr ? o->seats : 0;
}

int64_t licet_online_bound(const licet_online* o) {
  return o != nullptr ? o->bound : 0;
}

const licet_result* licet_online_license(const licet_online* o) {
  return o != nullptr && o->license ? &*o->license : nullptr;
}

const char* licet_activation_string(int status) {
  if (status < 0 || status > LICET_ACTIVATION_IO_ERROR) return "unknown";
  return licet::to_string(static_cast<ActivationStatus>(status)).data();
}

const char* licet_deactivation_string(int status) {
  if (status < 0 || status > LICET_DEACTIVATION_IO_ERROR) return "unknown";
  return licet::to_string(static_cast<DeactivationStatus>(status)).data();
}

const char* licet_sync_string(int status) {
  if (status < 0 || status > LICET_SYNC_IO_ERROR) return "unknown";
  return licet::to_string(static_cast<SyncStatus>(status)).data();
}

licet_error licet_write_activation_request(const licet_verifier* verifier, const char* license_key,
                                           const char* device_id, const char* path) {
  try {
    licet_capi_last_error_slot().clear();
    if (verifier == nullptr || license_key == nullptr || path == nullptr) {
      return request_failed(LICET_MALFORMED, "invalid argument: NULL");
    }
    auto json = verifier->verifier.activation_request(license_key, device_of(device_id));
    if (!json) return request_failed(static_cast<licet_error>(json.code()), json.error().message);
    if (auto st = licet::write_file_atomic(path, *json, 0644); !st) {
      return request_failed(static_cast<licet_error>(st.code()), st.error().message);
    }
    return LICET_OK;
  } catch (...) {
    return request_failed(LICET_IO_ERROR, "out of memory");
  }
}

licet_error licet_write_deactivation_request(const licet_verifier* verifier, const char* device_id,
                                             const char* path) {
  try {
    licet_capi_last_error_slot().clear();
    if (verifier == nullptr || path == nullptr) {
      return request_failed(LICET_MALFORMED, "invalid argument: NULL");
    }
    auto json = verifier->verifier.deactivation_request(device_of(device_id));
    if (!json) return request_failed(static_cast<licet_error>(json.code()), json.error().message);
    // Written before the store is cleared: a failed write leaves the license where it was.
    if (auto st = licet::write_file_atomic(path, *json, 0644); !st) {
      return request_failed(static_cast<licet_error>(st.code()), st.error().message);
    }
    if (auto st = verifier->verifier.clear_stored(); !st) {
      return request_failed(static_cast<licet_error>(st.code()),
                            "the request was written, but the stored license could not be "
                            "removed: " +
                                st.error().message);
    }
    return LICET_OK;
  } catch (...) {
    return request_failed(LICET_IO_ERROR, "out of memory");
  }
}

licet_activation licet_activate_online(const licet_verifier* verifier, const char* server_url,
                                       const char* license_key, char* message,
                                       std::size_t message_size) {
  licet_online* answer = nullptr;
  const licet_activation status =
      licet_activate(verifier, server_url, license_key, nullptr, &answer);
  if (message != nullptr && message_size > 0) {
    const char* text = answer != nullptr ? answer->message.c_str() : "out of memory";
    const std::size_t n = std::min(std::strlen(text), message_size - 1);
    std::memcpy(message, text, n);
    message[n] = '\0';
  }
  licet_online_free(answer);
  return status;
}

}  // extern "C"
