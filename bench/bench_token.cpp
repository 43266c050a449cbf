// What licet adds on top of Ed25519: verify = armor read + parse + PAE + signature + claims
// parse, against crypto_sign_verify_detached on the same PAE message; sign = claims to JSON +
// PASETO sign + armor write, against crypto_sign_detached. Prints the ratios after the run.
// Goals: verify <= 1.03x raw, sign <= 1.10x raw. Results: docs/PERFORMANCE.md.
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <string>

#include "licet/common/armor.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/pae.hpp"
#include "licet/common/paseto.hpp"
#include "licet/common/time.hpp"
#include "licet/keys/paserk.hpp"
#include "ratio_reporter.hpp"

namespace {

// A realistic license: about 300 bytes of claims.
licet::Claims claims() {
  licet::Claims c;
  c.iss = "acme";
  c.sub = "jane@example.com";
  c.aud = "mostagare";
  c.jti = "0f8e3c2a5b7d4e1f";
  c.lic = "MOSTAGARE-" + std::string("7Q4K-9XJ2-P3MV-HC8D");
  for (char ch : std::string_view("0123456789ABCDEFGHJKMNPQRSTVWXYZ*~$=U")) {
    if (licet::license_key::normalize(c.lic + "-" + ch)) {
      c.lic += std::string("-") + ch;
      break;
    }
  }
  c.rev = 3;
  c.iat = *licet::parse_rfc3339("2026-01-15T09:30:00Z");
  c.exp = *licet::parse_rfc3339("2027-01-15T09:30:00Z");
  c.seats = 3;
  c.devices = std::vector<std::string>{"d1.Zm9vYmFyYmF6cXV4"};
  c.features = {"pro", "export"};
  c.maint = *licet::parse_rfc3339("2027-01-15T00:00:00Z");
  c.sync = licet::SyncPolicy{"https://example.com/revocations", 604800};
  return c;
}

struct Setup {
  licet::SecretKey sk = licet::paserk::generate_secret_key();
  licet::PublicKey pk = sk.public_key();
  licet::Claims c = claims();
  std::string payload = licet::claims_to_json(c);
  std::string footer = R"({"kid":")" + licet::paserk::pid(pk) + R"("})";
  std::string token = licet::paseto::sign(payload, sk, footer);
  std::string file = licet::armor::write(token, {"licet license " + c.lic});
  licet::Bytes m2 = licet::pae({licet::paseto::kHeader, payload, footer, ""});
  std::array<std::uint8_t, 64> sig{};
  Setup() { crypto_sign_detached(sig.data(), nullptr, m2.data(), m2.size(), sk.data()); }
};

const Setup& setup() {
  static const Setup s;
  return s;
}

void BM_RawVerify(benchmark::State& state) {
  const Setup& s = setup();
  for (auto _ : state) {
    int rc = crypto_sign_verify_detached(s.sig.data(), s.m2.data(), s.m2.size(), s.pk.bytes.data());
    benchmark::DoNotOptimize(rc);
    if (rc != 0) state.SkipWithError("raw verify failed");
  }
}

void BM_TokenVerify(benchmark::State& state) {
  const Setup& s = setup();
  for (auto _ : state) {
    auto file = licet::armor::read(s.file);
    auto verified = licet::paseto::verify(file->token, s.pk);
    auto parsed = licet::claims_from_json(verified->payload);
    benchmark::DoNotOptimize(parsed);
    if (!parsed) state.SkipWithError("token verify failed");
  }
  state.SetLabel(std::to_string(s.payload.size()) + "-byte claims, " +
                 std::to_string(s.file.size()) + "-byte file");
}

void BM_RawSign(benchmark::State& state) {
  const Setup& s = setup();
  std::array<std::uint8_t, 64> sig{};
  for (auto _ : state) {
    crypto_sign_detached(sig.data(), nullptr, s.m2.data(), s.m2.size(), s.sk.data());
    benchmark::DoNotOptimize(sig);
  }
}

void BM_TokenSign(benchmark::State& state) {
  const Setup& s = setup();
  for (auto _ : state) {
    const std::string payload = licet::claims_to_json(s.c);
    const std::string token = licet::paseto::sign(payload, s.sk, s.footer);
    std::string file = licet::armor::write(token, {"licet license " + s.c.lic});
    benchmark::DoNotOptimize(file);
  }
}

// The work licet adds, without the Ed25519 operation: absolute and steadier under load than a
// ratio.
void BM_VerifyOverhead(benchmark::State& state) {
  const Setup& s = setup();
  for (auto _ : state) {
    auto file = licet::armor::read(s.file);
    auto parsed = licet::paseto::parse(file->token);
    auto m2 = licet::pae({licet::paseto::kHeader, parsed->payload, parsed->footer, ""});
    auto claims = licet::claims_from_json(parsed->payload);
    benchmark::DoNotOptimize(m2);
    benchmark::DoNotOptimize(claims);
  }
}

void BM_SignOverhead(benchmark::State& state) {
  const Setup& s = setup();
  for (auto _ : state) {
    const std::string payload = licet::claims_to_json(s.c);
    auto m2 = licet::pae({licet::paseto::kHeader, payload, s.footer, ""});
    std::string body = payload;
    body.append(64, '\0');
    std::string token(licet::paseto::kHeader);
    licet::b64url_encode_public(reinterpret_cast<const std::uint8_t*>(body.data()), body.size(),
                                token);
    token += '.';
    licet::b64url_encode_public(reinterpret_cast<const std::uint8_t*>(s.footer.data()),
                                s.footer.size(), token);
    std::string file = licet::armor::write(token, {"licet license " + s.c.lic});
    benchmark::DoNotOptimize(m2);
    benchmark::DoNotOptimize(file);
  }
}

BENCHMARK(BM_RawVerify)->ComputeStatistics("min", licet::bench::MinOf);
BENCHMARK(BM_TokenVerify)->ComputeStatistics("min", licet::bench::MinOf);
BENCHMARK(BM_RawSign)->ComputeStatistics("min", licet::bench::MinOf);
BENCHMARK(BM_TokenSign)->ComputeStatistics("min", licet::bench::MinOf);
BENCHMARK(BM_VerifyOverhead)->ComputeStatistics("min", licet::bench::MinOf);
BENCHMARK(BM_SignOverhead)->ComputeStatistics("min", licet::bench::MinOf);

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) return 1;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  licet::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatio("verify", "BM_TokenVerify", "BM_RawVerify", 1.03);
  reporter.PrintRatio("sign", "BM_TokenSign", "BM_RawSign", 1.10);
  benchmark::Shutdown();
  return 0;
}
