// Batch issuance end to end versus the signature it cannot avoid. BM_RawSign: N ×
// crypto_sign_detached over a license-sized message on one core. BM_BatchIssue: an orders CSV
// of N rows → parse_orders + mint_batch into a fresh ledger and an empty output directory
// (signing on a thread per core, one SQLite transaction, one file per license, manifest, one
// syncfs). Compare the two items_per_second figures. Goal: batch >= 0.8x raw single-core.
// N defaults to 100000; LICET_BENCH_BATCH_ROWS overrides it.
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "context.hpp"
#include "keystore.hpp"
#include "ledger/schema.hpp"
#include "license/batch.hpp"
#include "license/ledger_rows.hpp"
#include "licet/common/time.hpp"

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
    Context ctx;
    ctx.data_dir_option = (base / "data").string();
    std::filesystem::create_directories(ctx.data_dir());
    Db db = Db::open(ctx.ledger_path(), true);
    migrate(db);
    db.exec("INSERT INTO settings (name, value) VALUES ('vendor', 'acme')");
    {
      Transaction tx(db);
      create_signing_key(ctx, db, "active", /*encrypt=*/false);
      tx.commit();
    }
    const ActiveKey key = load_active_key(ctx, db);
    state.ResumeTiming();

    const auto parsed = parse_orders(csv, licet::system_now());
    if (parsed.problem_count != 0) {
      state.SkipWithError(format_problems(parsed, "orders.csv").c_str());
      break;
    }
    BatchOptions opt;
    opt.out_dir = base / "out";
    opt.vendor = "acme";
    opt.actor = "bench";
    opt.now = licet::system_now();
    const auto out = mint_batch(db, parsed.specs, key, opt);
    benchmark::DoNotOptimize(out.data());
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
