// bench_feed: a revocation feed of 1 000 000 entries — build+sign+serialize, parse+index+verify,
// lookup (against one raw read of a record at a random place in the same bytes) — and a full
// license check and a cached re-check with that feed loaded, against raw
// crypto_sign_verify_detached of the same token in the same run. Goals: lookup <= 100 ns, check
// <= 1.05x raw, re-check <= 1 us; the ratios are printed after the run. Results:
// docs/PERFORMANCE.md "Revocation feed".
#include <benchmark/benchmark.h>
#include <sodium.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>

#include "licet/common/armor.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/pae.hpp"
#include "licet/common/paseto.hpp"
#include "licet/common/revocation_feed.hpp"
#include "licet/keys/paserk.hpp"
#include "licet/verifier.hpp"
#include "ratio_reporter.hpp"

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

// Lookups of 8192 prepared hashes, half in the feed and half not, in an order that jumps across
// the whole feed: the query list itself stays in cache, so what is measured is the feed's own
// memory traffic.
struct Queries {
  std::vector<licet::feed::LicenseHash> hashes;
  Queries() {
    auto& f = fixture();
    std::mt19937_64 rng(7);
    for (std::size_t i = 0; i < 8192; ++i) {
      licet::feed::LicenseHash h = f.content.entries[rng() % kEntries].hash;
      if ((i & 1) != 0) h[5] ^= static_cast<std::uint8_t>(1 + rng() % 255);  // absent
      hashes.push_back(h);
    }
  }
};
const Queries& queries() {
  static const Queries q;
  return q;
}

void BM_FeedLookup(benchmark::State& state) {
  auto feed = licet::feed::Feed::parse(fixture().bytes);
  const auto& q = queries().hashes;
  std::size_t i = 0, found = 0;
  for (auto _ : state) {
    const auto v = feed->lookup(q[i++ & 8191]);
    found += v.has_value() ? 1 : 0;
    benchmark::DoNotOptimize(v);
  }
  if (found * 2 > i + 2 || found * 2 + 2 < i) state.SkipWithError("expected half hits");
}
BENCHMARK(BM_FeedLookup)->ComputeStatistics("min", licet::bench::MinOf);

// The baseline a lookup cannot beat: one read of a record at a random place in the same 20 MB
// (as if the position were known without any index), compared with the query.
void BM_RawArrayProbe(benchmark::State& state) {
  const std::string& bytes = fixture().bytes;
  const auto& q = queries().hashes;
  std::mt19937_64 rng(11);
  std::vector<std::size_t> at(8192);
  for (auto& a : at) a = 40 + 4 + 4 + (rng() % kEntries) * licet::feed::kEntrySize;
  std::size_t i = 0;
  for (auto _ : state) {
    const std::size_t k = i++ & 8191;
    const bool equal = std::memcmp(bytes.data() + at[k], q[k].data(), licet::feed::kHashSize) == 0;
    benchmark::DoNotOptimize(equal);
  }
}
BENCHMARK(BM_RawArrayProbe)->ComputeStatistics("min", licet::bench::MinOf);

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
    // Each verifier loads the feed at its first check: done here, outside the measurements.
    for (const auto* v : {&*verifier, &*cached}) {
      const auto first = v->verify(license);
      if (!first.ok()) {
        std::fprintf(stderr, "bench_feed: %s\n", first.message.c_str());
        std::abort();
      }
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
BENCHMARK(BM_LicenseCheckWithFeed)->ComputeStatistics("min", licet::bench::MinOf);

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
BENCHMARK(BM_LicenseRecheckWithFeed)->ComputeStatistics("min", licet::bench::MinOf);

// The same Ed25519 work as the check: the token's own PAE bytes and signature (Ed25519
// verification time depends on the signature, so another message would not be comparable).
void BM_RawVerify(benchmark::State& state) {
  auto& f = check_fixture();
  auto parsed = licet::paseto::parse(f.token);
  const auto m2 = licet::pae({licet::paseto::kHeader, parsed->payload, parsed->footer, ""});
  for (auto _ : state) {
    benchmark::DoNotOptimize(crypto_sign_verify_detached(parsed->signature.data(), m2.data(),
                                                         m2.size(), f.pub.bytes.data()));
  }
}
BENCHMARK(BM_RawVerify)->ComputeStatistics("min", licet::bench::MinOf);

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  licet::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintAbsolute("lookup", "BM_FeedLookup", 100);
  reporter.PrintRatio("check with feed", "BM_LicenseCheckWithFeed", "BM_RawVerify", 1.05);
  reporter.PrintAbsolute("re-check with feed", "BM_LicenseRecheckWithFeed", 1000);
  benchmark::Shutdown();
  return 0;
}
