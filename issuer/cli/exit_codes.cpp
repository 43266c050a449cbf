#include "cli/exit_codes.hpp"

namespace licet::issuer::cli {

int exit_code_for(core::Code code) {
  using core::Code;
  switch (code) {
    case Code::bad_request:
    case Code::needs_confirmation:
      return kExitUsage;
    case Code::integrity:
      return kExitIntegrity;
    case Code::unknown_license:
    case Code::unknown_device:
    case Code::unknown_key:
    case Code::unknown_token:
      return kExitNotFound;
    case Code::revoked:
    case Code::expired:
    case Code::seats_full:
    case Code::seats_in_use:
    case Code::transfer_cap:
    case Code::wrong_product:
    case Code::device_key_mismatch:
    case Code::not_activatable:
    case Code::not_active:
    case Code::no_device_key:
    case Code::invalid_token:
    case Code::conflict:
      return kExitRefused;
    case Code::key_unavailable:
      return kExitKey;
    case Code::ledger_busy:
      return kExitBusy;
    case Code::ledger_error:
    case Code::io_error:
    case Code::internal:
      return kExitFailure;
  }
  return kExitFailure;
}

}  // namespace licet::issuer::cli
