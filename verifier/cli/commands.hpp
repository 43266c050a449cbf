// The commands of licet-verify (DESIGN.md, "The CLIs") and their exit codes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "licet/common/error.hpp"

namespace licet::cli {

// Exit codes, one per failure class; documented in --help and docs/INTEGRATION.md.
enum Exit : int {
  kExitValid = 0,
  kExitUsage = 1,         // bad command line; unavailable command
  kExitMalformed = 2,     // malformed, io_error: not a license, or unreadable
  kExitSignature = 3,     // bad_signature, unknown_key: not signed by a trusted key
  kExitMismatch = 4,      // wrong_product, device_not_bound: not for this product or device
  kExitTime = 5,          // not_yet_valid, expired, maintenance_expired, clock_tampered
  kExitRevocation = 6,    // revoked, superseded, stale_revocations
  kExitNoAnswer = 7,      // online: no usable answer (network, timeout, TLS, server, rate limit)
  kExitNotActivated = 8,  // not_activated: the store is empty (or the server holds no seat)
  kExitSeatKept = 9,      // deactivate: the seat was not freed (transfer_cap, no_device_key)
};

int exit_code_for(ErrorCode code);

// Prints "licet-verify: <what>" on stderr; returns kExitUsage. `hint` names the help to read.
int usage_error(std::string_view what, std::string_view hint = "licet-verify --help");

int run_verify(const std::vector<std::string>& args);
int run_device_id(const std::vector<std::string>& args);
int run_activation_request(const std::vector<std::string>& args);
int run_activate(const std::vector<std::string>& args);
int run_deactivate(const std::vector<std::string>& args);
int run_deactivation_request(const std::vector<std::string>& args);
int run_sync(const std::vector<std::string>& args);
int run_store(const std::vector<std::string>& args);
int run_verify_stored(const std::vector<std::string>& args);

extern const char* const kHelpText;

}  // namespace licet::cli
