#include "feed/publisher.hpp"

#include <fmt/core.h>

#include <limits>

#include "ledger/audit.hpp"
#include "licet/common/revocation_feed.hpp"

namespace licet::issuer::feed {
namespace {

constexpr std::size_t kProgressEvery = 100000;

}  // namespace

Published publish(Db& db, const SecretKey& key, const std::string& actor, UnixTime now,
                  std::int64_t valid_for, const Progress& progress) {
  if (valid_for <= 0) throw LedgerError("the feed's validity must be longer than 0 seconds");
  if (now > kMaxTime - valid_for) throw LedgerError("the feed's next update would be after 9999");

  Transaction tx(db);
  licet::feed::Content content;
  {
    auto st = db.prepare("SELECT sequence FROM feed_state WHERE id = 1");
    if (!st.step()) throw LedgerError("the ledger has no feed_state row");
    const std::int64_t previous = st.int64(0);
    if (previous < 0) throw LedgerError("the ledger's feed sequence is negative");
    content.sequence = static_cast<std::uint64_t>(previous) + 1;
  }
  content.issued_at = now;
  content.next_update = now + valid_for;
  {
    auto st = db.prepare(
        "SELECT license_key, status, superseded_below FROM licenses "
        "WHERE status = 'revoked' OR superseded_below > 1");
    while (st.step()) {
      licet::feed::Entry e;
      e.hash = licet::feed::hash_license_key(st.text(0));
      if (st.text(1) == "revoked") {
        e.value = licet::feed::kRevoked;
      } else {
        const std::int64_t below = st.int64(2);
        if (below > std::numeric_limits<std::uint32_t>::max()) {
          throw LedgerError("license " + st.text(0) + " has a revision beyond the feed's range");
        }
        e.value = static_cast<std::uint32_t>(below);
      }
      content.entries.push_back(e);
      if (progress && content.entries.size() % kProgressEvery == 0) {
        progress(content.entries.size());
      }
    }
  }
  {
    auto st = db.prepare("SELECT pid FROM signing_keys WHERE state = 'retired'");
    while (st.step()) {
      auto id = licet::feed::key_id_from_pid(st.text(0));
      if (!id) throw LedgerError("signing key " + st.text(0) + ": " + id.error().message);
      content.retired_keys.push_back(*id);
    }
  }

  Published out;
  out.sequence = content.sequence;
  out.entries = content.entries.size();
  out.retired_keys = content.retired_keys.size();
  out.issued_at = content.issued_at;
  out.next_update = content.next_update;
  auto bytes = licet::feed::build(std::move(content), {&key});
  if (!bytes) throw LedgerError(bytes.error().message);
  out.bytes = std::move(*bytes);

  db.prepare("UPDATE feed_state SET sequence = ?, published_at = ? WHERE id = 1")
      .bind(1, static_cast<std::int64_t>(out.sequence))
      .bind(2, now)
      .run();
  audit::record(db, actor, "revocations.publish", std::nullopt,
                fmt::format("{{\"sequence\":{}}}", out.sequence - 1),
                fmt::format("{{\"sequence\":{},\"entries\":{},\"retired_keys\":{},"
                            "\"issued_at\":\"{}\",\"next_update\":\"{}\"}}",
                            out.sequence, out.entries, out.retired_keys,
                            format_rfc3339(out.issued_at), format_rfc3339(out.next_update)));
  tx.commit();
  return out;
}

}  // namespace licet::issuer::feed
