// The cost of a license check against the signature check it cannot avoid:
//   raw     crypto_sign_verify_detached over the same PAE bytes the verifier checks
//   fresh   Verifier::verify with the re-check cache off: armor, parse, kid, Ed25519, claims,
//           product, time and device (this machine's ID, computed once per Verifier)
//   recheck the same call with the cache on: hash the inputs, then time + device checks only
// Goals (docs/PERFORMANCE.md): fresh <= 1.03 x raw, recheck <= 1 us. Prints the ratios after the
// run.
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

#include "licet/common/armor.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/pae.hpp"
#include "licet/common/paseto.hpp"
#include "licet/keys/paserk.hpp"
#include "licet/verifier.hpp"
#include "ratio_reporter.hpp"

namespace {

constexpr std::int64_t kNow = 1790000000;
constexpr const char* kApp = "mostagare-desktop";

struct Fixture {
  licet::SecretKey secret = licet::paserk::generate_secret_key();
  licet::PublicKey pub = secret.public_key();
  std::string device;
  licet::Claims claims;
  std::string token;
  std::string file;

  Fixture() {
    auto id = licet::device_id(kApp);
    if (!id) {  // a container without hardware IDs: the documented override (opted in below)
      ::setenv("LICET_DEVICE_ID", "bench-device-1", 1);
      id = licet::device_id(kApp, /*allow_override=*/true);
    }
    if (!id) throw std::runtime_error(id.error().message);
    device = *id;
    // A realistic node-locked license: about 400 bytes of claims.
    claims.iss = "acme";
    claims.sub = "jane.doe@example.com";
    claims.aud = "mostagare";
    claims.jti = "01HGW2N7EXAMPLE0000000000";
    claims.lic = licet::license_key::generate("MOSTAGARE");
    claims.rev = 2;
    claims.iat = kNow - 86400;
    claims.exp = kNow + 365 * 86400;
    claims.seats = 3;
    claims.devices = std::vector<std::string>{"ld1.AAAAAAAAAAAAAAAA.-.BBBBBBBBBBBBBBBB", device};
    claims.features = {"pro", "export"};
    claims.maint = kNow + 365 * 86400;
    claims.meta = {{"order", "A-10042"}};
    const std::string footer = "{\"kid\":\"" + licet::paserk::pid(pub) + "\"}";
    token = licet::paseto::sign(licet::claims_to_json(claims), secret, footer);
    file = licet::armor::write(token, {"Mostagare license for jane.doe@example.com"});
  }

  licet::Verifier verifier(bool cache, const std::string& state_dir = {}) const {
    licet::VerifierConfig cfg;
    cfg.state_dir = state_dir;
    cfg.allow_device_id_override = true;  // read only where the fallback above set it
    cfg.public_keys = {licet::paserk::to_public(pub)};
    cfg.product = "mostagare";
    cfg.app_id = kApp;
    cfg.release_date = kNow - 30 * 86400;
    cfg.recheck_cache = cache;
    cfg.clock = [] { return kNow; };
    auto v = licet::Verifier::create(cfg);
    if (!v) throw std::runtime_error(v.error().message);
    return std::move(v).value();
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

void BM_RawEd25519Verify(benchmark::State& state) {
  const Fixture& f = fixture();
  auto parsed = licet::paseto::parse(f.token);
  if (!parsed) throw std::runtime_error(parsed.error().message);
  const auto m2 = licet::pae({licet::paseto::kHeader, parsed->payload, parsed->footer, ""});
  for (auto _ : state) {
    const int rc = crypto_sign_verify_detached(parsed->signature.data(), m2.data(), m2.size(),
                                               f.pub.bytes.data());
    benchmark::DoNotOptimize(rc);
    if (rc != 0) state.SkipWithError("signature does not verify");
  }
}
BENCHMARK(BM_RawEd25519Verify)->ComputeStatistics("min", licet::bench::MinOf);

void BM_VerifyFresh(benchmark::State& state) {
  const Fixture& f = fixture();
  const licet::Verifier v = f.verifier(false);
  for (auto _ : state) {
    auto r = v.verify(f.file);
    if (!r.ok()) state.SkipWithError(r.message.c_str());
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_VerifyFresh)->ComputeStatistics("min", licet::bench::MinOf);

void BM_VerifyRecheck(benchmark::State& state) {
  const Fixture& f = fixture();
  const licet::Verifier v = f.verifier(true);
  if (!v.verify(f.file).ok()) state.SkipWithError("first check failed");
  for (auto _ : state) {
    auto r = v.verify(f.file);
    if (!r.ok()) state.SkipWithError(r.message.c_str());
    benchmark::DoNotOptimize(r);
  }
  if (v.stats().cache_hits + 1 != v.stats().checks)
    state.SkipWithError("re-check missed the cache");
}
BENCHMARK(BM_VerifyRecheck)->ComputeStatistics("min", licet::bench::MinOf);

// A re-check with a state_dir: on top of BM_VerifyRecheck, the clock guard reads clock.json and
// checks its MAC on every check (the clock stands still, so nothing is written).
void BM_VerifyRecheckStateDir(benchmark::State& state) {
  const Fixture& f = fixture();
  char dir[] = "/tmp/licet-bench-state-XXXXXX";
  if (::mkdtemp(dir) == nullptr) throw std::runtime_error("mkdtemp failed");
  {
    const licet::Verifier v = f.verifier(true, std::string(dir) + "/state");
    if (!v.verify(f.file).ok()) state.SkipWithError("first check failed");
    for (auto _ : state) {
      auto r = v.verify(f.file);
      if (!r.ok()) state.SkipWithError(r.message.c_str());
      benchmark::DoNotOptimize(r);
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}
BENCHMARK(BM_VerifyRecheckStateDir);

// The token steps of a fresh check alone (armor, parse, Ed25519, claims), without the verifier's
// own work: separates what common/ costs from what the Verifier adds.
void BM_TokenSteps(benchmark::State& state) {
  const Fixture& f = fixture();
  for (auto _ : state) {
    auto file = licet::armor::read(f.file);
    auto verified = licet::paseto::verify(file->token, f.pub);
    auto claims = licet::claims_from_json(verified->payload);
    if (!claims) state.SkipWithError("token steps failed");
    benchmark::DoNotOptimize(claims);
  }
}
BENCHMARK(BM_TokenSteps)->ComputeStatistics("min", licet::bench::MinOf);

// Where the fresh check's time goes besides Ed25519.
void BM_PhaseArmorAndParse(benchmark::State& state) {
  const Fixture& f = fixture();
  for (auto _ : state) {
    auto file = licet::armor::read(f.file);
    auto parsed = licet::paseto::parse(file->token);
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_PhaseArmorAndParse)->ComputeStatistics("min", licet::bench::MinOf);

void BM_PhaseClaimsFromJson(benchmark::State& state) {
  const std::string json = licet::claims_to_json(fixture().claims);
  for (auto _ : state) {
    auto claims = licet::claims_from_json(json);
    benchmark::DoNotOptimize(claims);
  }
}
BENCHMARK(BM_PhaseClaimsFromJson)->ComputeStatistics("min", licet::bench::MinOf);

// For scale: what computing the device ID costs (done once per Verifier).
void BM_DeviceId(benchmark::State& state) {
  for (auto _ : state) {
    auto id = licet::device_id(kApp);
    benchmark::DoNotOptimize(id);
  }
}
BENCHMARK(BM_DeviceId)->ComputeStatistics("min", licet::bench::MinOf);

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  licet::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatio("fresh check", "BM_VerifyFresh", "BM_RawEd25519Verify", 1.03);
  reporter.PrintRatio("token steps alone", "BM_TokenSteps", "BM_RawEd25519Verify", 1.03);
  reporter.PrintAbsolute("re-check", "BM_VerifyRecheck", 1000);
  benchmark::Shutdown();
  return 0;
}
