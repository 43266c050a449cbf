#include "core/ops/keys.hpp"

#include <fmt/core.h>
#include <sys/stat.h>

#include "core/audit_log.hpp"
#include "core/checkpoint.hpp"
#include "core/guard.hpp"
#include "core/minting.hpp"

namespace licet::issuer::core {
namespace {

const store::SigningKeyRecord* find_key(const std::vector<store::SigningKeyRecord>& keys,
                                        const std::string& pid) {
  for (const auto& k : keys) {
    if (k.pid == pid) return &k;
  }
  return nullptr;
}

std::vector<std::string> signed_by(store::Tx& tx, const std::string& pid) {
  store::LicenseQuery q;
  q.signed_by = pid;
  std::vector<std::string> out;
  for (const auto& item : tx.licenses(q)) out.push_back(item.license.key);
  return out;
}

KeyDoc doc(store::Tx& tx, const store::SigningKeyRecord& k) {
  store::LicenseQuery q;
  q.signed_by = k.pid;
  return KeyDoc{k, tx.count_licenses(q)};
}

// New keys follow the ledger's choice at init: encrypted unless the active key is not. When
// encrypted, the active key is unlocked first, so a mistyped passphrase fails here instead of
// protecting the new key with a different one.
bool prepare_new_key(Session& s) {
  bool encrypt = true;
  store::Tx tx(s.db, sql::TxMode::read);
  for (const auto& k : tx.signing_keys()) {
    if (k.state == "active") encrypt = k.encrypted;
  }
  if (encrypt) (void)s.ledger.keys().active(tx);
  return encrypt;
}

std::string key_json(const store::SigningKeyRecord& k) {
  return details_json({{"pid", k.pid}, {"state", k.state}, {"public_key", k.public_key}});
}

}  // namespace

Outcome<InitResult> init(LedgerOptions options, const std::string& vendor, bool encrypt,
                         const std::string& actor) {
  return guarded([&] {
    if (vendor.empty() || vendor.size() > 256) {
      throw Refused(Code::bad_request, "--vendor must be 1..256 characters");
    }
    const auto dir = options.data_dir;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      throw Refused(Code::io_error,
                    "cannot create the data directory " + dir.string() + ": " + ec.message());
    }
    ::chmod(dir.c_str(), 0700);
    auto ledger = Ledger::create(std::move(options));
    std::optional<store::SigningKeyRecord> key;
    try {
      auto conn = ledger->connect();
      Session s{*ledger, *conn, Actor{actor}};
      store::Tx tx(*conn, sql::TxMode::write);
      tx.set_setting("vendor", vendor);
      key = ledger->keys().create("active", encrypt, ledger->now(), /*new_passphrase=*/true);
      tx.insert_signing_key(*key);
      record(tx, s, Action::init, std::nullopt, std::nullopt,
             details_json({{"vendor", vendor}, {"key", key->pid}}));
      tx.commit();
    } catch (...) {
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(dir / ("ledger.db" + std::string(suffix)), ec);
      }
      if (key) ledger->keys().discard(*key);
      throw;
    }
    return InitResult{dir.string(), vendor, KeyDoc{*key, 0}};
  });
}

Outcome<std::vector<KeyDoc>> list_keys(Session& s) {
  return guarded([&] {
    store::Tx tx(s.db, sql::TxMode::read);
    std::vector<KeyDoc> out;
    for (const auto& k : tx.signing_keys()) out.push_back(doc(tx, k));
    return out;
  });
}

Outcome<KeyResult> generate_key(Session& s) {
  return guarded([&] {
    const bool encrypt = prepare_new_key(s);
    auto k = s.ledger.keys().create("verifying", encrypt, s.ledger.now());
    try {
      store::Tx tx(s.db, sql::TxMode::write);
      tx.insert_signing_key(k);
      record(tx, s, Action::key_generate, std::nullopt, std::nullopt, key_json(k));
      tx.commit();
    } catch (...) {
      s.ledger.keys().discard(k);
      throw;
    }
    refresh_checkpoint(s);
    return KeyResult{true,
                     "Generated key " + k.pid +
                         ": it verifies but does not sign yet. Ship its public key in your apps, "
                         "then `licet key activate " +
                         k.pid + "`",
                     KeyDoc{k, 0},
                     {}};
  });
}

Outcome<KeyResult> rotate_key(Session& s) {
  return guarded([&] {
    const bool encrypt = prepare_new_key(s);
    auto k = s.ledger.keys().create("active", encrypt, s.ledger.now());
    std::string old_pid;
    try {
      store::Tx tx(s.db, sql::TxMode::write);
      for (auto old : tx.signing_keys()) {
        if (old.state != "active") continue;
        old_pid = old.pid;
        old.state = "verifying";
        tx.update_signing_key(old);
      }
      tx.insert_signing_key(k);
      record(tx, s, Action::key_rotate, std::nullopt,
             old_pid.empty() ? std::nullopt : std::optional(details_json({{"active", old_pid}})),
             key_json(k));
      tx.commit();
    } catch (...) {
      s.ledger.keys().discard(k);
      throw;
    }
    refresh_checkpoint(s);
    std::string msg = "New active key " + k.pid + ".";
    if (!old_pid.empty()) {
      msg += " The previous key " + old_pid +
             " still verifies and still signs the revocation feed, so shipped apps keep "
             "working. Ship the new public key (`licet key export-public`), re-issue what the old "
             "key signed (`licet reissue --signed-by " +
             old_pid + " --out-dir DIR`), then retire it";
    }
    return KeyResult{true, msg, KeyDoc{k, 0}, {}};
  });
}

Outcome<KeyResult> activate_key(Session& s, const std::string& pid) {
  return guarded([&] {
    store::Tx tx(s.db, sql::TxMode::write);
    const auto keys = tx.signing_keys();
    const auto* k = find_key(keys, pid);
    if (k == nullptr)
      throw Refused(Code::unknown_key, "no signing key " + pid + " (see `licet key list`)");
    if (k->state == "retired") throw Refused(Code::conflict, "the key " + pid + " is retired");
    if (k->state == "active") {
      return KeyResult{
          false, "the key " + pid + " is already active; nothing to do", doc(tx, *k), {}};
    }
    std::string old_pid;
    for (auto other : keys) {
      if (other.state != "active") continue;
      old_pid = other.pid;
      other.state = "verifying";
      tx.update_signing_key(other);
    }
    auto now_active = *k;
    now_active.state = "active";
    tx.update_signing_key(now_active);
    record(tx, s, Action::key_activate, std::nullopt, details_json({{"active", old_pid}}),
           details_json({{"active", pid}}));
    KeyResult out{true, "Activated key " + pid + "; it signs from now on", doc(tx, now_active), {}};
    tx.commit();
    refresh_checkpoint(s);
    return out;
  });
}

Outcome<KeyResult> retire_key(Session& s, const std::string& pid, bool force) {
  return guarded([&] {
    store::Tx tx(s.db, sql::TxMode::write);
    const auto keys = tx.signing_keys();
    const auto* k = find_key(keys, pid);
    if (k == nullptr)
      throw Refused(Code::unknown_key, "no signing key " + pid + " (see `licet key list`)");
    if (k->state == "active") {
      throw Refused(Code::conflict, "the key " + pid +
                                        " is the active signing key; rotate first (`licet key "
                                        "rotate`), then retire it");
    }
    if (k->state == "retired") {
      return KeyResult{
          false, "the key " + pid + " is already retired; nothing to do", doc(tx, *k), {}};
    }
    auto still = signed_by(tx, pid);
    if (!still.empty() && !force) {
      std::string list;
      for (std::size_t i = 0; i < still.size() && i < 10; ++i) list += (i ? ", " : "") + still[i];
      if (still.size() > 10) list += fmt::format(" and {} more", still.size() - 10);
      throw Refused(Code::needs_confirmation,
                    fmt::format("{} license(s) still have current files signed by {}: {}. Once "
                                "it is retired, apps refuse those files. Re-issue them first "
                                "(`licet reissue --signed-by {} --out-dir DIR`), or retire "
                                "anyway with --force (a compromised key)",
                                still.size(), pid, list, pid),
                    still);
    }
    auto after = *k;
    after.state = "retired";
    after.retired_at = s.ledger.now();
    tx.update_signing_key(after);
    record(tx, s, Action::key_retire, std::nullopt, key_json(*k), key_json(after));
    KeyResult out{true,
                  "Retired key " + pid +
                      ". Apps stop trusting it once they have the next revocation feed "
                      "(`licet revocations publish`; a running `licet serve` serves it at once)",
                  doc(tx, after), still};
    tx.commit();
    refresh_checkpoint(s);
    return out;
  });
}

Outcome<KeyResult> change_passphrase(Session& s, std::unique_ptr<Passphrase> next) {
  return guarded([&] {
    std::vector<store::SigningKeyRecord> keys;
    {
      store::Tx tx(s.db, sql::TxMode::read);
      keys = tx.signing_keys();
    }
    s.ledger.keys().change_passphrase(keys, std::move(next));
    store::Tx tx(s.db, sql::TxMode::write);
    int count = 0;
    for (auto k : tx.signing_keys()) {
      if (k.state == "retired") continue;
      ++count;
      if (!k.encrypted) {
        k.encrypted = true;
        tx.update_signing_key(k);
      }
    }
    record(tx, s, Action::key_passwd, std::nullopt, std::nullopt,
           details_json({{"keys", std::to_string(count)}}));
    tx.commit();
    return KeyResult{true,
                     fmt::format("Re-encrypted {} key file(s) with the new passphrase", count),
                     KeyDoc{},
                     {}};
  });
}

Outcome<std::vector<std::string>> public_keys(Session& s) {
  return guarded([&] {
    store::Tx tx(s.db, sql::TxMode::read);
    std::vector<std::string> out;
    for (const auto& k : tx.signing_keys()) {
      if (k.state != "retired") out.push_back(k.public_key);
    }
    return out;
  });
}

}  // namespace licet::issuer::core
