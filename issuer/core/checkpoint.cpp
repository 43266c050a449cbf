#include "core/checkpoint.hpp"

#include <atomic>

#include "core/json_doc.hpp"
#include "core/minting.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/json.hpp"
#include "licet/common/paseto.hpp"
#include "licet/keys/paserk.hpp"

namespace licet::issuer::core {
namespace {

constexpr const char* kFileName = "audit.checkpoint";
constexpr std::string_view kType = "licet-audit-checkpoint";

std::atomic<UnixTime> g_last_written{0};

struct ClaimsDoc {
  std::string vendor;
  std::int64_t id;
  std::string hash;
  UnixTime at;
  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("typ", std::string(kType)), cereal::make_nvp("iss", vendor),
       cereal::make_nvp("id", id), cereal::make_nvp("hash", hash),
       cereal::make_nvp("at", format_rfc3339(at)));
  }
};

Error bad(std::string message) {
  return make_error(ErrorCode::malformed, "audit checkpoint: " + std::move(message));
}

}  // namespace

std::filesystem::path checkpoint_file(const std::filesystem::path& data_dir) {
  return data_dir / kFileName;
}

std::optional<std::string> sign_checkpoint(Session& s, store::Tx& tx) {
  const LoadedKey* key = s.ledger.keys().active_if_loaded(tx);
  if (key == nullptr) return std::nullopt;
  const auto head = tx.audit_head();
  if (!head || head->id <= 0) return std::nullopt;
  const std::string payload =
      to_json(ClaimsDoc{vendor_of(tx), head->id, head->hash_hex, s.ledger.now()});
  return paseto::sign(payload, key->key, "{\"kid\":\"" + key->pid + "\"}");
}

void refresh_checkpoint(Session& s, std::int64_t min_interval) {
  const UnixTime now = s.ledger.now();
  if (min_interval > 0 && now - g_last_written.load() < min_interval) return;
  try {
    std::optional<std::string> token;
    {
      store::Tx tx(s.db, sql::TxMode::read);
      token = sign_checkpoint(s, tx);
    }
    if (!token) return;
    if (auto st = write_file_atomic(checkpoint_file(s.ledger.data_dir()), *token + "\n", 0600);
        !st) {
      s.ledger.note("cannot write the audit checkpoint: " + st.error().message);
      return;
    }
    g_last_written = now;
  } catch (const std::exception& e) {
    s.ledger.note(std::string("cannot write the audit checkpoint: ") + e.what());
  }
}

std::optional<std::string> read_checkpoint_file(const std::filesystem::path& data_dir) {
  auto text = read_file(checkpoint_file(data_dir), 16 * 1024);
  if (!text) return std::nullopt;
  std::string t = std::move(*text);
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r')) t.pop_back();
  return t;
}

Result<Checkpoint> open_checkpoint(store::Tx& tx, const std::string& token) {
  auto parsed = paseto::parse(token);
  if (!parsed) return bad(parsed.error().message);
  auto footer = json::parse_object(parsed->footer, {1024, 1});
  if (!footer || !footer->HasMember("kid") || !(*footer)["kid"].IsString()) {
    return bad("no kid in the footer");
  }
  const std::string kid = (*footer)["kid"].GetString();
  std::optional<PublicKey> key;
  for (const auto& k : tx.signing_keys()) {
    if (k.pid == kid) {
      if (auto pk = paserk::parse_public(k.public_key)) key = *pk;
    }
  }
  if (!key) return bad("signed by " + kid + ", which is not a key of this ledger");
  if (auto st = paseto::verify_signature(*parsed, *key); !st) {
    return bad("the signature does not verify (the file was edited)");
  }
  auto doc = json::parse_object(parsed->payload, {4096, 1});
  if (!doc) return bad(doc.error().message);
  const rapidjson::Value& v = *doc;
  if (!v.HasMember("typ") || !v["typ"].IsString() || v["typ"].GetString() != kType ||
      !v.HasMember("id") || !v["id"].IsInt64() || !v.HasMember("hash") || !v["hash"].IsString() ||
      !v.HasMember("at") || !v["at"].IsString()) {
    return bad("unexpected claims");
  }
  Checkpoint c;
  c.id = v["id"].GetInt64();
  c.hash_hex = v["hash"].GetString();
  c.at = parse_rfc3339(v["at"].GetString()).value_or(0);
  c.kid = kid;
  return c;
}

}  // namespace licet::issuer::core
