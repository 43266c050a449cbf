// An application that embeds the verifier library, for tests: it trusts the public keys it was
// built with, checks one product, and judges license files against a revocation feed it was given
// (e.g. the bytes `licet serve` serves at GET /v1/revocations), presenting a device ID of the
// test's choosing.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "licet/verifier.hpp"
#include "support/cli_harness.hpp"

namespace licet::test {

class TestApp {
 public:
  TestApp(std::vector<std::string> public_keys, std::string product)
      : keys_(std::move(public_keys)), product_(std::move(product)) {}

  // The verdict on `license_file` for `device_id`, with `feed` (bytes of a signed revocation
  // feed) when given.
  VerifyResult verify(const std::string& license_file, const std::string& device_id,
                      const std::optional<std::string>& feed = std::nullopt) const {
    VerifierConfig c;
    c.public_keys = keys_;
    c.product = product_;
    c.recheck_cache = false;
    if (feed) {
      const auto path = dir_.path() / ("feed-" + std::to_string(++feeds_) + ".bin");
      std::ofstream(path, std::ios::binary) << *feed;
      c.revocations_file = path.string();
    }
    auto v = Verifier::create(std::move(c));
    if (!v) {
      ADD_FAILURE() << "Verifier::create: " << v.error().message;
      return {};
    }
    DeviceOverride d;
    if (!device_id.empty()) d.device_id = device_id;
    return v->verify(license_file, d);
  }

 private:
  std::vector<std::string> keys_;
  std::string product_;
  TempDir dir_;
  mutable int feeds_ = 0;
};

inline std::string describe(const VerifyResult& r) {
  return std::string(to_string(r.code)) + ": " + r.message;
}

}  // namespace licet::test
