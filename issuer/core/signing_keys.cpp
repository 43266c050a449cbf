#include "core/signing_keys.hpp"

#include <sodium.h>

#include <cstdlib>
#include <string_view>

#include "core/refusal.hpp"
#include "licet/keys/key_file.hpp"

namespace licet::issuer::core {
namespace {

namespace fs = std::filesystem;

constexpr paserk::PwCost kKeyFileCost{256ULL * 1024 * 1024, 3};

std::string file_for(const std::string& pid) {
  // The pid's data part is url-safe base64, so it is a safe file name.
  return "keys/" + pid.substr(std::string_view("k4.pid.").size()) + ".key";
}

}  // namespace

paserk::PwCost key_file_cost() {
  const char* env = std::getenv("LICET_KDF_COST");
  const std::string_view v = env == nullptr ? "" : env;
  if (v == "interactive") return {64ULL * 1024 * 1024, 2};
  if (v == "minimal") return {1024ULL * 1024, 1};
  if (!v.empty() && v != "moderate") {
    throw Refused(Code::bad_request,
                  "LICET_KDF_COST must be moderate (the default), interactive or minimal");
  }
  return kKeyFileCost;
}

SigningKeys::SigningKeys(fs::path data_dir, PassphraseSource passphrase)
    : data_dir_(std::move(data_dir)), source_(std::move(passphrase)) {}

const Passphrase& SigningKeys::passphrase(bool confirm) {
  if (!passphrase_ || confirm) {
    if (!source_) throw Refused(Code::key_unavailable, "no passphrase source is configured");
    passphrase_ = source_(confirm);
  }
  return *passphrase_;
}

std::unique_ptr<LoadedKey> SigningKeys::load(const store::SigningKeyRecord& k) {
  std::lock_guard lock(mutex_);
  auto text = keys::read_secret_file(data_dir_ / k.secret_file);
  if (!text) throw Refused(Code::key_unavailable, text.error().message);
  auto key = k.encrypted ? paserk::unwrap_secret_pw(*text, passphrase(false).view())
                         : paserk::parse_secret(*text);
  sodium_memzero(text->data(), text->size());
  if (!key) {
    if (k.encrypted) passphrase_.reset();  // a wrong one is asked for again next time
    throw Refused(Code::key_unavailable,
                  "cannot unlock the signing key " + k.pid + ": " + key.error().message);
  }
  if (paserk::pid(key->public_key()) != k.pid) {
    throw Refused(Code::key_unavailable,
                  "the key file " + k.secret_file + " does not belong to " + k.pid);
  }
  return std::make_unique<LoadedKey>(LoadedKey{k.pid, std::move(*key)});
}

const LoadedKey& SigningKeys::active(store::Tx& tx) {
  std::lock_guard lock(mutex_);
  const store::SigningKeyRecord* active = nullptr;
  const auto keys = tx.signing_keys();
  for (const auto& k : keys) {
    if (k.state == "active") active = &k;
  }
  if (active == nullptr) {
    throw Refused(Code::key_unavailable,
                  "the ledger has no active signing key (run `licet key rotate`)");
  }
  if (!active_pid_.empty() && active_pid_ != active->pid) {
    change_note_ = "the active signing key changed from " + active_pid_ + " to " + active->pid;
  }
  // Keys retired or gone from the ledger are dropped from memory (their guarded pages wiped).
  for (auto it = loaded_.begin(); it != loaded_.end();) {
    bool live = false;
    for (const auto& k : keys) live = live || (k.pid == it->first && k.state != "retired");
    it = live ? std::next(it) : loaded_.erase(it);
  }
  auto& slot = loaded_[active->pid];
  if (!slot) slot = load(*active);
  active_pid_ = active->pid;
  return *slot;
}

bool SigningKeys::has_loaded_active() {
  std::lock_guard lock(mutex_);
  return !active_pid_.empty() && loaded_.count(active_pid_) != 0;
}

const LoadedKey* SigningKeys::active_if_loaded(store::Tx& tx) {
  std::lock_guard lock(mutex_);
  for (const auto& k : tx.signing_keys()) {
    if (k.state != "active") continue;
    const auto it = loaded_.find(k.pid);
    return it == loaded_.end() ? nullptr : it->second.get();
  }
  return nullptr;
}

std::vector<const LoadedKey*> SigningKeys::publishing(store::Tx& tx) {
  std::lock_guard lock(mutex_);
  (void)active(tx);
  std::vector<const LoadedKey*> out;
  for (const auto& k : tx.signing_keys()) {
    if (k.state == "retired") continue;
    auto& slot = loaded_[k.pid];
    if (!slot) slot = load(k);
    out.push_back(slot.get());
  }
  return out;
}

store::SigningKeyRecord SigningKeys::create(const std::string& state, bool encrypt, UnixTime now,
                                            bool new_passphrase) {
  std::lock_guard lock(mutex_);
  SecretKey key = paserk::generate_secret_key();
  store::SigningKeyRecord r;
  r.public_key = paserk::to_public(key.public_key());
  r.pid = paserk::pid(key.public_key());
  r.state = state;
  r.encrypted = encrypt;
  r.created_at = now;
  r.secret_file = file_for(r.pid);
  std::string text =
      encrypt ? paserk::wrap_secret_pw(key, passphrase(new_passphrase).view(), key_file_cost())
              : paserk::to_secret(key);
  std::error_code ec;
  fs::create_directories(data_dir_ / "keys", ec);
  fs::permissions(data_dir_ / "keys", fs::perms::owner_all, ec);
  auto st = keys::write_secret_file(data_dir_ / r.secret_file, text);
  sodium_memzero(text.data(), text.size());
  if (!st) throw Refused(Code::io_error, "cannot write the signing key: " + st.error().message);
  return r;
}

void SigningKeys::discard(const store::SigningKeyRecord& record) {
  std::error_code ec;
  fs::remove(data_dir_ / record.secret_file, ec);
}

void SigningKeys::change_passphrase(const std::vector<store::SigningKeyRecord>& keys,
                                    std::unique_ptr<Passphrase> next) {
  std::lock_guard lock(mutex_);
  // Every key is unlocked with the old passphrase before any file changes.
  std::vector<std::pair<const store::SigningKeyRecord*, std::unique_ptr<LoadedKey>>> loaded;
  for (const auto& k : keys) {
    if (k.state != "retired") loaded.emplace_back(&k, load(k));
  }
  std::vector<std::pair<fs::path, fs::path>> staged;
  try {
    for (const auto& [record, key] : loaded) {
      std::string text = paserk::wrap_secret_pw(key->key, next->view(), key_file_cost());
      const fs::path final_path = data_dir_ / record->secret_file;
      const fs::path tmp = final_path.string() + ".new";
      auto st = keys::write_secret_file(tmp, text);
      sodium_memzero(text.data(), text.size());
      if (!st)
        throw Refused(Code::io_error, "cannot write " + tmp.string() + ": " + st.error().message);
      staged.emplace_back(tmp, final_path);
    }
  } catch (...) {
    std::error_code ec;
    for (const auto& [tmp, final_path] : staged) fs::remove(tmp, ec);
    throw;
  }
  for (const auto& [tmp, final_path] : staged) {
    std::error_code ec;
    fs::rename(tmp, final_path, ec);
    if (ec)
      throw Refused(Code::io_error, "cannot replace " + final_path.string() + ": " + ec.message());
  }
  passphrase_ = std::move(next);
}

std::optional<std::string> SigningKeys::take_change_note() {
  std::lock_guard lock(mutex_);
  return std::exchange(change_note_, std::nullopt);
}

}  // namespace licet::issuer::core
