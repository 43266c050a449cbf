// The C ABI's opaque types, shared by the files of the C ABI (c_api*.cpp).
#pragma once

#include <optional>
#include <string>

#include "licet/licet.h"
#include "licet/verifier.hpp"

struct licet_verifier {
  licet::Verifier verifier;
};

struct licet_result {
  licet::VerifyResult result;
};

// The answer of one online call (activate, deactivate, sync).
struct licet_online {
  int status = 0;
  std::string message;
  int http_status = 0;
  std::int64_t retry_after = 0;
  std::int64_t seats = 0;
  std::int64_t bound = 0;
  std::optional<licet_result> license;
};

// What licet_last_error() returns on this thread.
std::string& licet_capi_last_error_slot();
