// The signed revocation feed (docs/FORMAT.md "Revocation feed"): what the ledger says apps must
// refuse, signed by every key that is not retired, with a sequence that never goes backwards
// (max(last + 1, the Unix time in milliseconds), so a restored ledger still publishes forward).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json_doc.hpp"
#include "core/ledger.hpp"
#include "core/refusal.hpp"
#include "licet/common/revocation_feed.hpp"

namespace licet::issuer::core {

struct PublishResult {
  std::uint64_t sequence = 0;
  std::size_t entries = 0;         // licenses revoked or with superseded revisions
  std::size_t revoked_tokens = 0;  // machine files of deactivated devices, released leases
  std::size_t retired_keys = 0;
  UnixTime issued_at = 0;
  UnixTime next_update = 0;
  std::vector<std::string> signed_by;
  std::optional<std::int64_t> audit_head;
  std::string bytes;
  bool reused = false;              // the stored feed was still current
  std::optional<std::string> file;  // set by the door that wrote it

  template <class A>
  void save(A& ar) const {
    ar(cereal::make_nvp("sequence", sequence),
       cereal::make_nvp("entries", static_cast<std::uint64_t>(entries)),
       cereal::make_nvp("revoked_tokens", static_cast<std::uint64_t>(revoked_tokens)),
       cereal::make_nvp("retired_keys", static_cast<std::uint64_t>(retired_keys)));
    time_value(ar, "issued_at", issued_at);
    time_value(ar, "next_update", next_update);
    ar(cereal::make_nvp("signed_by", signed_by),
       cereal::make_nvp("bytes", static_cast<std::uint64_t>(bytes.size())));
    nullable(ar, "audit_head", audit_head);
    nullable(ar, "file", file);
  }
};

// Signs and records a new feed, valid for `valid_for` seconds.
Outcome<PublishResult> publish_feed(Session& s, std::int64_t valid_for);

// The feed to serve now: the stored one while its content is current and less than half of its
// validity has passed; otherwise a new one is published. Same bytes for every server sharing the
// ledger.
Outcome<PublishResult> current_feed(Session& s, std::int64_t valid_for);

// What the feed would say now, unsigned (for `licet inspect`: the same verdict without a feed).
feed::Content feed_content(store::Tx& tx, UnixTime now);

}  // namespace licet::issuer::core
