#include <cstdio>
#include <string>

#include "commands.hpp"

namespace licet::cli {

int exit_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::ok:
      return kExitValid;
    case ErrorCode::malformed:
    case ErrorCode::io_error:
      return kExitMalformed;
    case ErrorCode::bad_signature:
    case ErrorCode::unknown_key:
      return kExitSignature;
    case ErrorCode::wrong_product:
    case ErrorCode::device_not_bound:
      return kExitMismatch;
    case ErrorCode::not_yet_valid:
    case ErrorCode::expired:
    case ErrorCode::maintenance_expired:
    case ErrorCode::clock_tampered:
    case ErrorCode::lease_expired:
      return kExitTime;
    case ErrorCode::revoked:
    case ErrorCode::superseded:
    case ErrorCode::stale_revocations:
      return kExitRevocation;
    case ErrorCode::not_activated:
      return kExitNotActivated;
  }
  return kExitMalformed;
}

int usage_error(std::string_view what, std::string_view hint) {
  std::fprintf(stderr, "licet-verify: %.*s\nTry '%.*s'.\n", static_cast<int>(what.size()),
               what.data(), static_cast<int>(hint.size()), hint.data());
  return kExitUsage;
}

}  // namespace licet::cli
