// A stand-in for `licet serve` that gives the answers the real server cannot be made to give,
// for the client's failure paths ONLY:
//   - a 5xx (with an HTML page, or a JSON message over several lines),
//   - a body that is not JSON,
//   - a 200 whose document lacks the license,
//   - a body larger than the client reads (256 KiB),
//   - a 400 bad_request to a deactivation (the client never sends what the server refuses so).
// Every answer the real server gives (activated, already_active, seats_full, wrong_product,
// revoked, expired, unknown_license, rate_limited, device_key_mismatch, not_activatable,
// bad_request, deactivated, not_active, transfer_cap, invalid_token, a license signed by a key
// the app lacks) is tested against the real `licet serve` (real_server.hpp); an answer that never
// comes is BlackHole (http_test_server.hpp).
#pragma once

#include <deque>
#include <mutex>
#include <string>

#include "http_test_server.hpp"

namespace licet::test {

class ActivationDouble {
 public:
  struct Answer {
    int status = 500;
    std::string body;  // sent as is
    std::string content_type = "application/json";
  };

  ActivationDouble() {
    for (const char* path : {"/v1/activate", "/v1/deactivate"}) {
      server_.routes().Post(path, [this](const httplib::Request&, httplib::Response& a) {
        std::lock_guard lock(mutex_);
        ++requests_;
        Answer next{500, R"({"error":"internal","message":"the test scripted no answer"})"};
        if (!script_.empty()) {
          next = std::move(script_.front());
          script_.pop_front();
        }
        a.status = next.status;
        a.set_content(next.body, next.content_type.c_str());
      });
    }
    server_.start();
  }

  std::string url() const { return server_.origin(); }
  // The answer to the next request (in the order given).
  void then(Answer a) {
    std::lock_guard lock(mutex_);
    script_.push_back(std::move(a));
  }
  std::size_t requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  std::mutex mutex_;
  std::deque<Answer> script_;
  std::size_t requests_ = 0;
  HttpTestServer server_;  // last: stopped first, before the script it reads goes away
};

}  // namespace licet::test
