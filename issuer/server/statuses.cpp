#include "server/statuses.hpp"

namespace licet::issuer::server {

int http_status_for(core::Code code) {
  using core::Code;
  switch (code) {
    case Code::bad_request:
    case Code::needs_confirmation:
      return 400;
    case Code::invalid_token:
      return 401;
    case Code::revoked:
    case Code::expired:
      return 403;
    case Code::unknown_license:
    case Code::unknown_device:
    case Code::unknown_key:
    case Code::unknown_token:
      return 404;
    case Code::seats_full:
    case Code::seats_in_use:
    case Code::transfer_cap:
    case Code::wrong_product:
    case Code::device_key_mismatch:
    case Code::not_activatable:
    case Code::not_active:
    case Code::no_device_key:
    case Code::conflict:
      return 409;
    case Code::ledger_busy:
    case Code::key_unavailable:
      return 503;
    case Code::integrity:
    case Code::ledger_error:
    case Code::io_error:
    case Code::internal:
      return 500;
  }
  return 500;
}

}  // namespace licet::issuer::server
