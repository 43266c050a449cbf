// The front door's own answers: a status and a JSON error document {"error":code,"message":…}
// (the shape every licet serve error has, docs/OPERATIONS.md "API"), always with
// Connection: close.
#pragma once

#include <string>
#include <string_view>

namespace licet::server::net {

struct Refusal {
  int status = 400;
  std::string code;     // "bad_request", "payload_too_large", ...
  std::string message;  // one line, never an echo of what the client sent
  int retry_after = 0;  // seconds; > 0 adds Retry-After (429, 503)
};

Refusal bad_request(std::string message);

// The complete HTTP/1.1 response bytes.
std::string refusal_response(const Refusal& r);
std::string_view reason_phrase(int status);

}  // namespace licet::server::net
