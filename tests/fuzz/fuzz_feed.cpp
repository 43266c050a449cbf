// fuzz_feed: arbitrary bytes through the revocation feed parser (versions 1 and 2), then every
// accessor and lookup of a feed that parsed, each signature checked with a fixed key (the seeds
// are signed with it, so mutations reach both the accepting and the refusing path), and the
// shared revocation verdict. Must never crash or read out of bounds; a record the feed holds
// that its own index cannot find is a bug and aborts.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "licet/common/revocation_feed.hpp"
#include "licet/common/verdict.hpp"

namespace {

struct FixedKey {
  licet::PublicKey pub;
  licet::feed::KeyId id{};
  FixedKey() {
    if (sodium_init() < 0) std::abort();
    unsigned char seed[crypto_sign_SEEDBYTES];
    unsigned char sk[crypto_sign_SECRETKEYBYTES];
    for (auto& b : seed) b = 7;  // tests/fuzz/seeds/fuzz_feed/*.bin are signed with this key
    crypto_sign_seed_keypair(pub.bytes.data(), sk, seed);
    id = licet::feed::key_id_of(pub);
  }
};

void require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const FixedKey key;
  auto feed = licet::feed::Feed::parse(std::string(reinterpret_cast<const char*>(data), size));
  if (!feed) return 0;
  for (std::size_t i = 0; i < feed->entry_count(); ++i) {
    const auto e = feed->entry(i);
    const auto v = feed->lookup(e.hash);
    require(v && *v == e.value);
  }
  for (std::size_t i = 0; i < feed->token_count(); ++i)
    require(feed->token_revoked(feed->token(i)));
  for (std::size_t i = 0; i < feed->retired_key_count(); ++i) {
    require(feed->is_retired(feed->retired_key(i)));
  }
  (void)feed->lookup(licet::feed::LicenseHash{});
  (void)feed->token_revoked(licet::feed::TokenHash{});
  (void)feed->audit_head();
  (void)feed->describe();
  require(!feed->signer_ids().empty());
  for (const auto& signer : feed->signer_ids()) {
    (void)feed->is_retired(licet::feed::pid_from_key_id(signer));
    (void)feed->verify_signature(signer, key.pub);
  }
  (void)feed->verify_signature(key.id, key.pub);

  licet::Claims claims;
  claims.lic = "MOSTAGARE-7Q4K-9XJ2-P3MV-HC8D-Z";
  claims.jti = "fuzz";
  (void)licet::revocation_verdict(*feed, claims, licet::feed::pid_from_key_id(key.id));
  return 0;
}
