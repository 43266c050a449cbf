// The verifier's last good revocation feed: in memory, and in state_dir when one is configured
// (revocations.feed + revocations.json beside it). A candidate feed replaces it only after the
// full check (structure, trusted key, signature, not frozen, not a rollback); whatever fails,
// the last good feed stays. Format of the files: docs/FORMAT.md, "Revocation feed cache".
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "licet/common/error.hpp"
#include "licet/common/revocation_feed.hpp"
#include "licet/common/time.hpp"
#include "licet/keys/keyring.hpp"
#include "state/state_dir.hpp"

namespace licet::detail {

class FeedStore {
 public:
  static constexpr const char* kFeedFile = StateDir::kFeedFile;
  static constexpr const char* kMetaFile = StateDir::kFeedMetaFile;

  // state null = memory only. The keyring must outlive the store.
  FeedStore(std::shared_ptr<const StateDir> state, const keys::Keyring& keyring,
            std::int64_t tolerance);

  // Reads the cache from state_dir once. A cache that cannot be trusted is never silently taken
  // for none: see cache_damage().
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

  // Called with the time of each check: a verification time later than now (+ tolerance) is
  // not believed (an edited cache, or a clock that was ahead): the feed counts as never verified.
  void distrust_future(UnixTime now);

  // stale_revocations when the cached feed in state_dir is damaged: its metadata does not
  // verify, or it records a feed that is missing, does not verify or is older. Then no license
  // may pass on what is left of the cache (a revoked one would come back to life) until a good
  // feed is offered. nullopt otherwise.
  std::optional<Error> cache_damage() const;

  std::shared_ptr<const feed::Feed> current() const { return feed_; }
  // When a current feed was last verified (downloaded, revalidated or loaded); 0 = never.
  UnixTime verified_at() const { return verified_at_; }
  // Why verified_at() is 0 although a feed is held, as " (…)", or "".
  const std::string& unverified_note() const { return unverified_note_; }
  bool is_current(UnixTime now) const;
  const std::string& etag() const { return etag_; }
  const std::string& url() const { return url_; }

 private:
  Result<feed::Feed> authenticate(std::string bytes) const;
  Status persist(bool feed_changed, UnixTime now) const;

  std::shared_ptr<const StateDir> state_;
  const keys::Keyring& keyring_;
  std::int64_t tolerance_;
  bool cache_loaded_ = false;
  std::shared_ptr<const feed::Feed> feed_;
  UnixTime verified_at_ = 0;
  std::string etag_;
  std::string url_;
  std::optional<std::string> damage_;  // why the cache in state_dir cannot be trusted
  std::uint64_t floor_ = 0;  // lowest sequence acceptable: the one the cache last recorded
  std::string unverified_note_;
};

}  // namespace licet::detail
