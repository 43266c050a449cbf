// The HTTP status of each refusal, one table for every endpoint (docs/OPERATIONS.md "API").
#pragma once

#include "core/refusal.hpp"

namespace licet::issuer::server {

int http_status_for(core::Code code);

}  // namespace licet::issuer::server
