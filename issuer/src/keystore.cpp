#include "keystore.hpp"

#include <sodium.h>

#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "licet/common/time.hpp"
#include "licet/keys/key_file.hpp"
#include "passphrase.hpp"

namespace licet::issuer {
namespace {

SigningKeyInfo row_to_info(Stmt& st) {
  SigningKeyInfo k;
  k.pid = st.text(0);
  k.public_key = st.text(1);
  k.secret_file = st.text(2);
  k.encrypted = st.int64(3) != 0;
  k.state = st.text(4);
  k.created_at = st.int64(5);
  k.retired_at = st.opt_int64(6);
  return k;
}

constexpr const char* kSelect =
    "SELECT pid, public_key, secret_file, encrypted, state, created_at, retired_at "
    "FROM signing_keys";

}  // namespace

paserk::PwCost key_file_cost() {
  const char* env = std::getenv("LICET_KDF_COST");
  const std::string_view v = env == nullptr ? "" : env;
  if (v == "interactive") return {64ULL * 1024 * 1024, 2};
  if (v == "minimal") return {1024ULL * 1024, 1};
  if (!v.empty() && v != "moderate") {
    throw CliError("LICET_KDF_COST must be moderate, interactive or minimal");
  }
  return kKeyFileCost;
}

SigningKeyInfo create_signing_key(const Context& ctx, Db& db, const std::string& state,
                                  bool encrypt) {
  SecretKey key = paserk::generate_secret_key();
  SigningKeyInfo info;
  info.public_key = paserk::to_public(key.public_key());
  info.pid = paserk::pid(key.public_key());
  info.state = state;
  info.encrypted = encrypt;
  info.created_at = system_now();
  // File name: the pid's data part is url-safe base64, so it is a safe file name.
  info.secret_file = "keys/" + info.pid.substr(std::string("k4.pid.").size()) + ".key";

  std::string paserk_text;
  if (encrypt) {
    auto pass = obtain_passphrase(ctx, /*confirm=*/true);
    paserk_text = paserk::wrap_secret_pw(key, pass->view(), key_file_cost());
  } else {
    paserk_text = paserk::to_secret(key);
  }
  const auto dir = ctx.data_dir() / "keys";
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
  const auto path = ctx.data_dir() / info.secret_file;
  auto st = keys::write_secret_file(path, paserk_text);
  sodium_memzero(paserk_text.data(), paserk_text.size());
  if (!st) throw CliError("cannot write the signing key: " + st.error().message);
  try {
    db.prepare(
          "INSERT INTO signing_keys (pid, public_key, secret_file, encrypted, state, created_at) "
          "VALUES (?, ?, ?, ?, ?, ?)")
        .bind(1, info.pid)
        .bind(2, info.public_key)
        .bind(3, info.secret_file)
        .bind(4, std::int64_t{encrypt ? 1 : 0})
        .bind(5, info.state)
        .bind(6, info.created_at)
        .run();
  } catch (...) {
    std::filesystem::remove(path, ec);
    throw;
  }
  return info;
}

std::vector<SigningKeyInfo> list_signing_keys(Db& db) {
  std::vector<SigningKeyInfo> out;
  auto st = db.prepare(std::string(kSelect) + " ORDER BY created_at, pid");
  while (st.step()) out.push_back(row_to_info(st));
  return out;
}

ActiveKey load_active_key(const Context& ctx, Db& db) {
  auto st = db.prepare(std::string(kSelect) + " WHERE state = 'active'");
  if (!st.step()) throw CliError("the ledger has no active signing key (run `licet key generate`)");
  const SigningKeyInfo info = row_to_info(st);
  auto text = keys::read_secret_file(ctx.data_dir() / info.secret_file);
  if (!text) throw CliError(text.error().message);
  auto key = info.encrypted ? [&] {
    auto pass = obtain_passphrase(ctx, /*confirm=*/false);
    return paserk::unwrap_secret_pw(*text, pass->view());
  }()
                            : paserk::parse_secret(*text);
  sodium_memzero(text->data(), text->size());
  if (!key) throw CliError("cannot load the signing key " + info.pid + ": " + key.error().message);
  if (paserk::pid(key->public_key()) != info.pid) {
    throw CliError("the signing key file " + info.secret_file + " does not belong to " + info.pid);
  }
  return ActiveKey{info.pid, std::move(*key)};
}

}  // namespace licet::issuer
