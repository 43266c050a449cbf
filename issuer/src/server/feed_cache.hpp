// The signed revocation feed served at GET /v1/revocations. Built with the feed publisher
// (issuer/src/feed) at start-up, and again only when what the feed says changed (a revocation,
// reinstatement, deactivation or key retirement, by the server or by the CLI in another
// process) or when half of its validity has passed, so verifiers never see it freeze.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "ledger/db.hpp"
#include "licet/common/key_types.hpp"
#include "licet/common/time.hpp"

namespace licet::issuer::server {

class FeedCache {
 public:
  struct Snapshot {
    std::shared_ptr<const std::string> bytes;
    std::string etag;  // quoted, as sent in the ETag header
  };

  // `db` is this cache's own connection; `writer` serializes it with the server's writers.
  FeedCache(std::unique_ptr<Db> db, std::mutex& writer, const SecretKey& key, std::string actor,
            std::int64_t valid_for, double recheck_seconds);

  // The current feed; looks for ledger changes at most every recheck_seconds (immediately after
  // invalidate()). Throws LedgerError when a needed republish fails.
  Snapshot current();
  // The server changed the feed's content: look again at the next request.
  void invalidate();

 private:
  std::string fingerprint();
  void publish_locked(UnixTime now);

  std::unique_ptr<Db> db_;
  std::mutex& writer_;
  const SecretKey& key_;
  std::string actor_;
  std::int64_t valid_for_;
  double recheck_seconds_;

  std::mutex mutex_;
  bool dirty_ = true;
  double last_check_ = 0;  // steady clock, seconds
  std::int64_t data_version_ = -1;
  std::string fingerprint_;
  UnixTime issued_at_ = 0;
  Snapshot snapshot_;
};

}  // namespace licet::issuer::server
