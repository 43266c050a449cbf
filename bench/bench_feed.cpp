// bench_feed: a revocation feed of 1 000 000 entries — build+sign+serialize, parse+verify, lookup
// — and a full license check with that feed loaded against raw crypto_sign_verify_detached in
// the same run. Results: docs/PERFORMANCE.md "Revocation feed".
#include <benchmark/benchmark.h>
#include <sodium.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <random>

#include "licet/common/armor.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/paseto.hpp"
#include "licet/common/revocation_feed.hpp"
#include "licet/keys/paserk.hpp"
#include "licet/verifier.hpp"

namespace {

constexpr std::size_t kEntries = 1000000;
constexpr licet::UnixTime kNow = 1790000000;

struct Fixture {
  licet::SecretKey key = licet::paserk::generate_secret_key();
  licet::feed::Content content;
  std::string bytes;
  std::filesystem::path file;

  Fixture() {
    std::mt19937_64 rng(42);
    content.sequence = 1;
    content.issued_at = kNow;
    content.next_update = kNow + 7 * 86400;
    content.entries.resize(kEntries);
    for (auto& e : content.entries) {
      for (auto& b : e.hash) b = static_cast<std::uint8_t>(rng());
      e.value = static_cast<std::uint32_t>(rng() % 3);
    }
    bytes = *licet::feed::build(content, {&key});
    file = std::filesystem::temp_directory_path() /
           ("licet-bench-feed-" + std::to_string(::getpid()) + ".bin");
    (void)licet::write_file_atomic(file, bytes);
  }
  ~Fixture() {
    std::error_code ec;
    std::filesystem::remove(file, ec);
  }
};

Fixture& fixture() {
  static Fixture f;
  return f;
}

void BM_FeedPublish(benchmark::State& state) {
  auto& f = fixture();
  for (auto _ : state) {
    auto out = licet::feed::build(f.content, {&f.key});
    benchmark::DoNotOptimize(out);
  }
  state.counters["bytes"] = static_cast<double>(f.bytes.size());
  state.counters["bytes_per_entry"] =
      static_cast<double>(f.bytes.size()) / static_cast<double>(kEntries);
}
BENCHMARK(BM_FeedPublish)->Unit(benchmark::kMillisecond)->Iterations(5);

void BM_FeedLoadAndVerify(benchmark::State& state) {
  auto& f = fixture();
  const auto pub = f.key.public_key();
  const auto id = licet::feed::key_id_of(pub);
  for (auto _ : state) {
    auto bytes = licet::read_file(f.file, licet::feed::kMaxFeedBytes);
    auto feed = licet::feed::Feed::parse(std::move(*bytes));
    if (!feed || !feed->verify_signature(id, pub)) state.SkipWithError("feed did not verify");
    benchmark::DoNotOptimize(feed);
  }
}
BENCHMARK(BM_FeedLoadAndVerify)->Unit(benchmark::kMillisecond)->Iterations(10);

void BM_FeedLookup(benchmark::State& state) {
  auto& f = fixture();
  auto feed = licet::feed::Feed::parse(f.bytes);
  std::mt19937_64 rng(7);
  std::size_t i = 0;
  for (auto _ : state) {
    // Alternate present and absent hashes.
    licet::feed::LicenseHash h = f.content.entries[(i * 7919) % kEntries].hash;
    if ((i++ & 1) != 0) h[0] = static_cast<std::uint8_t>(rng());
    benchmark::DoNotOptimize(feed->lookup(h));
  }
}
BENCHMARK(BM_FeedLookup);

struct CheckFixture {
  std::string token;
  std::string license;
  licet::PublicKey pub;
  std::optional<licet::Verifier> verifier;
  std::optional<licet::Verifier> cached;  // default config: the re-check cache on
  CheckFixture() {
    auto& f = fixture();
    pub = f.key.public_key();
    licet::Claims c;
    c.iss = "acme";
    c.sub = "ada@example.com";
    c.aud = "mostagare";
    c.jti = "t1";
    c.lic = licet::license_key::generate("MOSTAGARE");
    c.iat = kNow - 3600;
    token = licet::paseto::sign(licet::claims_to_json(c), f.key,
                                "{\"kid\":\"" + licet::paserk::pid(pub) + "\"}");
    license = licet::armor::write(token, {});
    licet::VerifierConfig cfg;
    cfg.public_keys = {licet::paserk::to_public(pub)};
    cfg.product = "mostagare";
    cfg.revocations_file = f.file.string();
    cfg.recheck_cache = false;  // the full check every time: armor, parse, signature, feed
    cfg.clock = [] { return kNow; };
    licet::VerifierConfig cfg2 = cfg;
    auto created = licet::Verifier::create(std::move(cfg));
    if (!created) std::abort();
    verifier.emplace(std::move(created).value());
    cfg2.recheck_cache = true;
    auto created2 = licet::Verifier::create(std::move(cfg2));
    if (!created2) std::abort();
    cached.emplace(std::move(created2).value());
    const auto first = verifier->verify(license);  // loads the feed once
    if (!first.ok()) {
      std::fprintf(stderr, "bench_feed: %s\n", first.message.c_str());
      std::abort();
    }
  }
};

CheckFixture& check_fixture() {
  static CheckFixture f;
  return f;
}

void BM_LicenseCheckWithFeed(benchmark::State& state) {
  auto& f = check_fixture();
  for (auto _ : state) {
    auto r = f.verifier->verify(f.license);
    if (!r.ok()) state.SkipWithError(r.message.c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_LicenseCheckWithFeed);

// Repeat checks of the same file (the common case in an app): signature skipped, time, device
// and revocation checks still run.
void BM_LicenseRecheckWithFeed(benchmark::State& state) {
  auto& f = check_fixture();
  for (auto _ : state) {
    auto r = f.cached->verify(f.license);
    if (!r.ok()) state.SkipWithError(r.message.c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_LicenseRecheckWithFeed);

void BM_RawVerify(benchmark::State& state) {
  auto& f = check_fixture();
  auto parsed = licet::paseto::parse(f.token);
  // A message as long as the token's PAE (header, payload, footer and their lengths).
  const std::string m2 = std::string(40, 'p') + parsed->payload + parsed->footer;
  unsigned char sig[64];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(m2.data()), m2.size(),
                       fixture().key.data());
  for (auto _ : state) {
    benchmark::DoNotOptimize(crypto_sign_verify_detached(
        sig, reinterpret_cast<const unsigned char*>(m2.data()), m2.size(), f.pub.bytes.data()));
  }
}
BENCHMARK(BM_RawVerify);

}  // namespace

BENCHMARK_MAIN();
