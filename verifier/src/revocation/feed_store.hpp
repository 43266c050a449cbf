// The verifier's last good revocation feed: in memory, and in state_dir when one is configured
// (revocations.feed + revocations.json beside it). A candidate feed replaces it only after the
// full check (structure, trusted key, signature, not frozen, not a rollback); whatever fails,
// the last good feed stays. Format of the files: docs/FORMAT.md, "Revocation feed cache".
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "licet/common/error.hpp"
#include "licet/common/revocation_feed.hpp"
#include "licet/common/time.hpp"
#include "licet/keys/keyring.hpp"

namespace licet::detail {

class FeedStore {
 public:
  static constexpr const char* kFeedFile = "revocations.feed";
  static constexpr const char* kMetaFile = "revocations.json";

  // state_dir empty = memory only. The keyring must outlive the store.
  FeedStore(std::filesystem::path state_dir, const keys::Keyring& keyring, std::int64_t tolerance);

  // Reads the cache from state_dir once; a damaged or untrusted cache is ignored (as if absent).
  void load_cache();

  // Checks `bytes` and installs them as the current feed, verified at `now`. On failure nothing
  // changes and the error says why: malformed, bad_signature, unknown_key (key not trusted or
  // retired), stale_revocations (frozen: next-update passed; or a rollback), io_error (cache
  // could not be written).
  Status offer(std::string bytes, UnixTime now, const std::string& url = {},
               const std::string& etag = {});

  // A source vouched for the current feed again (HTTP 304, or the unchanged feed file): it is
  // confirmed at `now` if still current. `save` also records that in state_dir.
  Status confirm(UnixTime now, bool save = true);

  std::shared_ptr<const feed::Feed> current() const { return feed_; }
  // When a current feed was last verified (downloaded, revalidated or loaded); 0 = never.
  UnixTime verified_at() const { return verified_at_; }
  bool is_current(UnixTime now) const;
  const std::string& etag() const { return etag_; }
  const std::string& url() const { return url_; }

 private:
  Result<feed::Feed> authenticate(std::string bytes) const;
  Status persist(bool feed_changed) const;

  std::filesystem::path dir_;
  const keys::Keyring& keyring_;
  std::int64_t tolerance_;
  bool cache_loaded_ = false;
  std::shared_ptr<const feed::Feed> feed_;
  UnixTime verified_at_ = 0;
  std::string etag_;
  std::string url_;
};

}  // namespace licet::detail
