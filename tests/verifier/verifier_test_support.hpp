// Helpers for the verifier tests: a vendor key that mints real license files, an injectable
// clock, and temporary directories.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>

#include "licet/common/armor.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/paseto.hpp"
#include "licet/keys/paserk.hpp"
#include "licet/verifier.hpp"

namespace licet::test {

inline constexpr UnixTime kNow = 1790000000;  // 2026-09-21, the tests' "now"
inline constexpr const char* kProduct = "mostagare";

struct Vendor {
  SecretKey secret = paserk::generate_secret_key();
  std::string public_key = paserk::to_public(secret.public_key());
  std::string pid = paserk::pid(secret.public_key());

  std::string footer() const { return "{\"kid\":\"" + pid + "\"}"; }
  std::string token(const Claims& c, const std::optional<std::string>& footer_json = {}) const {
    return paseto::sign(claims_to_json(c), secret, footer_json.value_or(footer()));
  }
  // An armored license file.
  std::string mint(const Claims& c, const std::optional<std::string>& footer_json = {}) const {
    return armor::write(token(c, footer_json), {"issued to a test"});
  }
};

// A valid license key (its check character fits), the same for the whole test run.
inline const std::string& license_key() {
  static const std::string key = license_key::generate("MOSTAGARE");
  return key;
}

inline Claims base_claims() {
  Claims c;
  c.iss = "acme";
  c.sub = "ada@example.com";
  c.aud = kProduct;
  c.jti = "tok-1";
  c.lic = license_key();
  c.rev = 1;
  c.iat = kNow - 86400;
  c.exp = kNow + 30 * 86400;
  c.seats = 2;
  c.features = {"export", "pro"};
  c.meta = {{"order", "A-17"}};
  return c;
}

// A clock the test moves; safe to read from many threads.
struct FakeClock {
  std::shared_ptr<std::atomic<std::int64_t>> t = std::make_shared<std::atomic<std::int64_t>>(kNow);
  void set(std::int64_t v) const { t->store(v); }
  std::function<std::int64_t()> fn() const {
    auto p = t;
    return [p] { return p->load(); };
  }
};

inline VerifierConfig config_for(const Vendor& v, const FakeClock& clock) {
  VerifierConfig cfg;
  cfg.public_keys = {v.public_key};
  cfg.product = kProduct;
  cfg.app_id = "mostagare-desktop";
  cfg.clock = clock.fn();
  return cfg;
}

inline Verifier make_verifier(VerifierConfig cfg) {
  auto v = Verifier::create(std::move(cfg));
  if (!v) throw std::runtime_error("Verifier::create failed: " + v.error().message);
  return std::move(v).value();
}

class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() /
            ("licet-verifier-test-" + std::to_string(::getpid()) + "-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace licet::test
