#include "core/refusal.hpp"

namespace licet::issuer::core {

std::string_view to_string(Code code) {
  switch (code) {
    case Code::bad_request:
      return "bad_request";
    case Code::unknown_license:
      return "unknown_license";
    case Code::unknown_device:
      return "unknown_device";
    case Code::unknown_key:
      return "unknown_key";
    case Code::unknown_token:
      return "unknown_token";
    case Code::revoked:
      return "revoked";
    case Code::expired:
      return "expired";
    case Code::seats_full:
      return "seats_full";
    case Code::seats_in_use:
      return "seats_in_use";
    case Code::transfer_cap:
      return "transfer_cap";
    case Code::wrong_product:
      return "wrong_product";
    case Code::device_key_mismatch:
      return "device_key_mismatch";
    case Code::not_activatable:
      return "not_activatable";
    case Code::not_active:
      return "not_active";
    case Code::no_device_key:
      return "no_device_key";
    case Code::invalid_token:
      return "invalid_token";
    case Code::conflict:
      return "conflict";
    case Code::needs_confirmation:
      return "needs_confirmation";
    case Code::key_unavailable:
      return "key_unavailable";
    case Code::integrity:
      return "integrity";
    case Code::ledger_busy:
      return "ledger_busy";
    case Code::ledger_error:
      return "ledger_error";
    case Code::io_error:
      return "io_error";
    case Code::internal:
      return "internal";
  }
  return "internal";
}

}  // namespace licet::issuer::core
