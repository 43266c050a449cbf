// Batch issuance end to end versus the signature it cannot avoid. BM_RawSign: N ×
// crypto_sign_detached over a license-sized message on one core. BM_BatchIssue: an orders CSV
// of N node-locked rows → core::issue_batch into a fresh ledger and an empty output directory
// (parse, sign on every core ahead of one SQLite transaction with an audit event per license,
// one file per license written on every core, one syncfs, manifest last). Compare the two
// items_per_second figures (docs/PERFORMANCE.md "Batch issuance").
// N defaults to 100000; LICET_BENCH_BATCH_ROWS overrides it.
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/ledger.hpp"
#include "core/ops/batch.hpp"
#include "core/ops/keys.hpp"

namespace {

std::size_t rows() {
  const char* env = std::getenv("LICET_BENCH_BATCH_ROWS");
  return env != nullptr ? static_cast<std::size_t>(std::strtoull(env, nullptr, 10)) : 100000;
}

void BM_RawSign(benchmark::State& state) {
  if (sodium_init() < 0) state.SkipWithError("sodium_init");
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  // The size of a typical license's PAE-encoded payload.
  std::string msg(420, 'x');
  unsigned char sig[crypto_sign_BYTES];
  const std::size_t n = rows();
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; ++i) {
      msg[i % msg.size()] = static_cast<char>(i);
      crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(msg.data()),
                           msg.size(), sk);
      benchmark::DoNotOptimize(sig);
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

std::string orders_csv(std::size_t n) {
  std::string csv = "product,customer,seats,days,devices,features,meta.order\n";
  csv.reserve(n * 90);
  for (std::size_t i = 0; i < n; ++i) {
    csv += "mostagare,customer-" + std::to_string(i) + "@example.com,2,365,dev-" +
           std::to_string(i) + ",pro;export,ORD-" + std::to_string(100000 + i) + "\n";
  }
  return csv;
}

void BM_BatchIssue(benchmark::State& state) {
  using namespace licet::issuer;
  const std::size_t n = rows();
  const std::string csv = orders_csv(n);
  const auto base = std::filesystem::temp_directory_path() / "licet-bench-batch";
  for (auto _ : state) {
    state.PauseTiming();
    std::filesystem::remove_all(base);
    core::LedgerOptions options;
    options.data_dir = base / "data";
    if (!core::init(options, "acme", /*encrypt=*/false, "bench")) {
      state.SkipWithError("licet init failed");
      break;
    }
    auto ledger = core::Ledger::open(options);
    auto conn = ledger->connect();
    core::Session session{*ledger, *conn, {"bench"}};
    core::BatchRequest req;
    req.orders = csv;
    req.orders_name = "orders.csv";
    req.out_dir = base / "out";
    state.ResumeTiming();

    auto out = core::issue_batch(session, req);
    if (!out) {
      state.SkipWithError(out.refusal().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(out->items.data());
  }
  std::filesystem::remove_all(base);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
}

}  // namespace

BENCHMARK(BM_RawSign)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_BatchIssue)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
