// The stable snake_case names of the lifecycle statuses (JSON output, C ABI strings, docs).
#include "licet/verifier.hpp"

namespace licet {

std::string_view to_string(ActivationStatus s) noexcept {
  switch (s) {
    case ActivationStatus::activated:
      return "activated";
    case ActivationStatus::already_active:
      return "already_active";
    case ActivationStatus::seats_full:
      return "seats_full";
    case ActivationStatus::revoked:
      return "revoked";
    case ActivationStatus::expired:
      return "expired";
    case ActivationStatus::unknown_license:
      return "unknown_license";
    case ActivationStatus::rate_limited:
      return "rate_limited";
    case ActivationStatus::bad_request:
      return "bad_request";
    case ActivationStatus::network_error:
      return "network_error";
    case ActivationStatus::timeout:
      return "timeout";
    case ActivationStatus::tls_error:
      return "tls_error";
    case ActivationStatus::server_error:
      return "server_error";
    case ActivationStatus::invalid_license:
      return "invalid_license";
    case ActivationStatus::unavailable:
      return "unavailable";
    case ActivationStatus::wrong_product:
      return "wrong_product";
    case ActivationStatus::device_key_mismatch:
      return "device_key_mismatch";
    case ActivationStatus::not_activatable:
      return "not_activatable";
    case ActivationStatus::io_error:
      return "io_error";
  }
  return "unknown";
}

std::string_view to_string(DeactivationStatus s) noexcept {
  switch (s) {
    case DeactivationStatus::deactivated:
      return "deactivated";
    case DeactivationStatus::not_activated:
      return "not_activated";
    case DeactivationStatus::no_device_key:
      return "no_device_key";
    case DeactivationStatus::not_active:
      return "not_active";
    case DeactivationStatus::transfer_cap:
      return "transfer_cap";
    case DeactivationStatus::invalid_token:
      return "invalid_token";
    case DeactivationStatus::unknown_license:
      return "unknown_license";
    case DeactivationStatus::rate_limited:
      return "rate_limited";
    case DeactivationStatus::bad_request:
      return "bad_request";
    case DeactivationStatus::network_error:
      return "network_error";
    case DeactivationStatus::timeout:
      return "timeout";
    case DeactivationStatus::tls_error:
      return "tls_error";
    case DeactivationStatus::server_error:
      return "server_error";
    case DeactivationStatus::unavailable:
      return "unavailable";
    case DeactivationStatus::io_error:
      return "io_error";
  }
  return "unknown";
}

std::string_view to_string(SyncStatus s) noexcept {
  switch (s) {
    case SyncStatus::updated:
      return "updated";
    case SyncStatus::unchanged:
      return "unchanged";
    case SyncStatus::nothing_to_sync:
      return "nothing_to_sync";
    case SyncStatus::refused:
      return "refused";
    case SyncStatus::network_error:
      return "network_error";
    case SyncStatus::timeout:
      return "timeout";
    case SyncStatus::tls_error:
      return "tls_error";
    case SyncStatus::server_error:
      return "server_error";
    case SyncStatus::unavailable:
      return "unavailable";
    case SyncStatus::io_error:
      return "io_error";
  }
  return "unknown";
}

}  // namespace licet
