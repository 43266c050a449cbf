#include "core/ledger.hpp"

#include "core/guard.hpp"
#include "core/refusal.hpp"

namespace licet::issuer::core {

Ledger::Ledger(LedgerOptions options, std::unique_ptr<store::Store> store)
    : options_(std::move(options)),
      store_(std::move(store)),
      keys_(options_.data_dir, options_.passphrase) {}

std::unique_ptr<Ledger> Ledger::open(LedgerOptions options) {
  const auto file = options.data_dir / "ledger.db";
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    throw Refused(Code::ledger_error,
                  "no ledger in " + options.data_dir.string() + " (run `licet init` first)");
  }
  std::unique_ptr<store::Store> store;
  try {
    store = store::Store::open(file);
  } catch (const sql::Error& e) {
    throw refusal_of(e);
  }
  return std::unique_ptr<Ledger>(new Ledger(std::move(options), std::move(store)));
}

std::unique_ptr<Ledger> Ledger::create(LedgerOptions options) {
  std::unique_ptr<store::Store> store;
  try {
    store = store::Store::create(options.data_dir / "ledger.db");
  } catch (const sql::Error& e) {
    throw refusal_of(e);
  }
  return std::unique_ptr<Ledger>(new Ledger(std::move(options), std::move(store)));
}

}  // namespace licet::issuer::core
