// licet's exit codes, one table for every command (docs/OPERATIONS.md "Exit codes").
#pragma once

#include "core/refusal.hpp"

namespace licet::issuer::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;    // the ledger or a file could not be used; a bug
inline constexpr int kExitUsage = 2;      // the command line or a value is wrong
inline constexpr int kExitIntegrity = 3;  // the audit trail or the ledger file fails its check
inline constexpr int kExitNotFound = 4;   // no such license, device, key or API token
inline constexpr int kExitRefused = 5;    // a license rule refused the change
inline constexpr int kExitNotValid = 6;   // `licet inspect`: the file is not valid
inline constexpr int kExitKey = 7;        // the signing key cannot be unlocked or found
inline constexpr int kExitBusy = 8;       // another licet process holds the ledger; try again

int exit_code_for(core::Code code);

}  // namespace licet::issuer::cli
