#include "core/ops/feed.hpp"

#include <fmt/core.h>
#include <sodium.h>

#include <algorithm>
#include <limits>

#include "core/audit_log.hpp"
#include "core/checkpoint.hpp"
#include "core/guard.hpp"
#include "licet/common/sodium_init.hpp"

namespace licet::issuer::core {
namespace {

std::optional<feed::AuditHead> head_of(store::Tx& tx) {
  const auto head = tx.audit_head();
  if (!head || head->id <= 0 || head->hash_hex.size() != 64) return std::nullopt;
  feed::AuditHead h;
  h.id = static_cast<std::uint64_t>(head->id);
  std::size_t used = 0;
  if (sodium_hex2bin(h.hash.data(), h.hash.size(), head->hash_hex.data(), head->hash_hex.size(),
                     nullptr, &used, nullptr) != 0 ||
      used != h.hash.size()) {
    return std::nullopt;
  }
  return h;
}

// What changes the feed's meaning: its entries, retired keys and the keys that sign it.
std::string fingerprint(const feed::Content& c, const std::vector<std::string>& signers) {
  ensure_sodium();
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  auto add = [&st](const void* p, std::size_t n) {
    crypto_generichash_update(&st, static_cast<const unsigned char*>(p), n);
  };
  for (const auto& e : c.entries) {
    add(e.hash.data(), e.hash.size());
    add(&e.value, sizeof e.value);
  }
  add("|", 1);
  for (const auto& t : c.revoked_tokens) add(t.data(), t.size());
  add("|", 1);
  for (const auto& k : c.retired_keys) add(k.data(), k.size());
  add("|", 1);
  for (const auto& s : signers) add(s.data(), s.size() + 1);
  unsigned char out[16];
  crypto_generichash_final(&st, out, sizeof out);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

std::vector<std::string> signer_pids(store::Tx& tx) {
  std::vector<std::string> out;
  for (const auto& k : tx.signing_keys()) {
    if (k.state != "retired") out.push_back(k.pid);
  }
  return out;
}

PublishResult stored(const store::FeedState& st, const feed::Content& c,
                     const std::vector<std::string>& signers) {
  PublishResult r;
  r.sequence = static_cast<std::uint64_t>(st.sequence);
  r.entries = c.entries.size();
  r.revoked_tokens = c.revoked_tokens.size();
  r.retired_keys = c.retired_keys.size();
  r.issued_at = st.published_at.value_or(0);
  r.next_update = st.next_update.value_or(0);
  r.signed_by = signers;
  r.bytes = st.bytes;
  r.reused = true;
  return r;
}

PublishResult publish_in(Session& s, store::Tx& tx, feed::Content content, std::int64_t valid_for,
                         UnixTime now) {
  const auto keys = s.ledger.keys().publishing(tx);
  std::vector<const SecretKey*> signers;
  PublishResult r;
  for (const auto* k : keys) {
    signers.push_back(&k->key);
    r.signed_by.push_back(k->pid);
  }
  auto state = tx.feed_state();
  if (state.sequence < 0) throw Refused(Code::integrity, "the ledger's feed sequence is negative");
  // Never backwards, even after a restore of an older ledger.
  content.sequence = std::max<std::uint64_t>(static_cast<std::uint64_t>(state.sequence) + 1,
                                             static_cast<std::uint64_t>(now) * 1000);
  content.issued_at = now;
  content.next_update = now + valid_for;
  const std::string print = fingerprint(content, r.signed_by);
  r.sequence = content.sequence;
  r.entries = content.entries.size();
  r.revoked_tokens = content.revoked_tokens.size();
  r.retired_keys = content.retired_keys.size();
  r.issued_at = content.issued_at;
  r.next_update = content.next_update;
  if (content.audit_head) r.audit_head = static_cast<std::int64_t>(content.audit_head->id);
  auto bytes = feed::build(std::move(content), signers);
  if (!bytes) throw Refused(Code::internal, "cannot build the feed: " + bytes.error().message);
  r.bytes = std::move(*bytes);
  const std::int64_t previous = state.sequence;
  state.sequence = static_cast<std::int64_t>(r.sequence);
  state.published_at = now;
  state.next_update = r.next_update;
  state.fingerprint = print;
  state.bytes = r.bytes;
  tx.set_feed_state(state);
  record(tx, s, Action::publish, std::nullopt,
         details_json({{"sequence", std::to_string(previous)}}),
         details_json({{"sequence", std::to_string(r.sequence)},
                       {"entries", std::to_string(r.entries)},
                       {"revoked_tokens", std::to_string(r.revoked_tokens)},
                       {"retired_keys", std::to_string(r.retired_keys)},
                       {"next_update", format_rfc3339(r.next_update)}}));
  return r;
}

void check_validity(std::int64_t valid_for, UnixTime now) {
  if (valid_for <= 0) throw Refused(Code::bad_request, "the feed's validity must be positive");
  if (now > kMaxTime - valid_for) {
    throw Refused(Code::bad_request, "the feed's next update would be after 9999");
  }
}

}  // namespace

feed::Content feed_content(store::Tx& tx, UnixTime now) {
  feed::Content c;
  for (const auto& l : tx.feed_licenses()) {
    feed::Entry e;
    e.hash = feed::hash_license_key(l.key);
    if (l.status == "revoked") {
      e.value = feed::kRevoked;
    } else {
      if (l.superseded_below > std::numeric_limits<std::uint32_t>::max()) {
        throw Refused(Code::integrity,
                      "license " + l.key + " has a revision beyond the feed's range");
      }
      e.value = static_cast<std::uint32_t>(l.superseded_below);
    }
    c.entries.push_back(e);
  }
  for (const auto& jti : tx.revoked_token_ids(now))
    c.revoked_tokens.push_back(feed::hash_token_id(jti));
  for (const auto& k : tx.signing_keys()) {
    if (k.state != "retired") continue;
    auto id = feed::key_id_from_pid(k.pid);
    if (!id) throw Refused(Code::integrity, "signing key " + k.pid + ": " + id.error().message);
    c.retired_keys.push_back(*id);
  }
  c.audit_head = head_of(tx);
  std::sort(c.entries.begin(), c.entries.end(),
            [](const feed::Entry& a, const feed::Entry& b) { return a.hash < b.hash; });
  std::sort(c.revoked_tokens.begin(), c.revoked_tokens.end());
  std::sort(c.retired_keys.begin(), c.retired_keys.end());
  return c;
}

Outcome<PublishResult> publish_feed(Session& s, std::int64_t valid_for) {
  return guarded([&] {
    const UnixTime now = s.ledger.now();
    check_validity(valid_for, now);
    {
      store::Tx tx(s.db, sql::TxMode::read);
      (void)s.ledger.keys().publishing(tx);  // passphrase before the write lock
    }
    store::Tx tx(s.db, sql::TxMode::write);
    auto r = publish_in(s, tx, feed_content(tx, now), valid_for, now);
    tx.commit();
    refresh_checkpoint(s);
    return r;
  });
}

Outcome<PublishResult> current_feed(Session& s, std::int64_t valid_for) {
  return guarded([&] {
    const UnixTime now = s.ledger.now();
    check_validity(valid_for, now);
    auto fresh_enough = [&](store::Tx& tx, std::optional<PublishResult>& out) {
      const auto st = tx.feed_state();
      auto content = feed_content(tx, now);
      const auto signers = signer_pids(tx);
      if (!st.bytes.empty() && st.fingerprint == fingerprint(content, signers) && st.next_update &&
          *st.next_update - now > valid_for / 2) {
        out = stored(st, content, signers);
        return true;
      }
      return false;
    };
    std::optional<PublishResult> out;
    {
      store::Tx tx(s.db, sql::TxMode::read);
      if (fresh_enough(tx, out)) return *out;
      (void)s.ledger.keys().publishing(tx);
    }
    store::Tx tx(s.db, sql::TxMode::write);
    // Another server may have published meanwhile.
    if (fresh_enough(tx, out)) return *out;
    auto r = publish_in(s, tx, feed_content(tx, now), valid_for, now);
    tx.commit();
    refresh_checkpoint(s, 1);
    return r;
  });
}

}  // namespace licet::issuer::core
