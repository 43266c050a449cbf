#include "revocation/checker.hpp"

#include "licet/common/file_io.hpp"

namespace licet::detail {
namespace {

std::string seconds(std::int64_t s) {
  return std::to_string(s) + " s";
}

}  // namespace

RevocationChecker::RevocationChecker(RevocationSettings settings, const keys::Keyring& keyring)
    : settings_(std::move(settings)), store_(settings_.state, keyring, settings_.tolerance) {}

// The configured file is re-read only when it changes (size or mtime), so a large feed costs
// its load once, not on every check.
Status RevocationChecker::refresh_from_file(UnixTime now, bool& confirmed) {
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(settings_.file, ec);
  const auto size = ec ? 0 : std::filesystem::file_size(settings_.file, ec);
  if (ec) {
    return make_error(ErrorCode::io_error,
                      "cannot read the revocation feed " + settings_.file + ": " + ec.message());
  }
  if (!file_mtime_ || *file_mtime_ != mtime || file_size_ != size) {
    file_mtime_ = mtime;
    file_size_ = size;
    file_error_.reset();
    auto bytes =
        read_file(settings_.file, feed::kMaxFeedBytes, {FileKind::regular, ErrorCode::malformed});
    Status st = bytes ? store_.offer(std::move(*bytes), now) : Status(std::move(bytes).error());
    if (!st) {
      file_error_ =
          Error{st.code(), "revocation feed " + settings_.file + ": " + st.error().message};
    }
  }
  if (file_error_) return *file_error_;
  // A file that was accepted and is still current vouches for the feed at every check.
  if (auto st = store_.confirm(now, /*save=*/false); !st) {
    return Error{st.code(), "revocation feed " + settings_.file + ": " + st.error().message};
  }
  confirmed = true;
  return {};
}

void RevocationChecker::maybe_sync(const std::string& url, const Claims& claims, UnixTime now,
                                   bool& confirmed) {
  const bool strict = claims.sync && claims.sync->max_age == 0;
  bool due = !store_.current() || !store_.is_current(now);
  if (claims.sync) {
    // Refresh halfway through max_age, so one failed attempt does not make the license stale.
    due = due || strict || now - store_.verified_at() >= claims.sync->max_age / 2;
  } else {
    due = due || now - store_.verified_at() >= kOfflineRefresh;
  }
  if (!due) return;
  if (!strict && last_attempt_failed_ && now >= last_attempt_ &&
      now - last_attempt_ < kRetryAfterFailure) {
    return;
  }
  last_attempt_ = now;
  last_attempt_failed_ = true;
  const std::string etag =
      store_.current() && store_.url() == url && store_.is_current(now) ? store_.etag() : "";
  auto fetched = fetch_feed(url, etag, settings_.fetch);
  if (!fetched) {
    last_failure_ = fetched.error().message;
    return;
  }
  Status st = fetched->not_modified
                  ? store_.confirm(now)
                  : store_.offer(std::move(fetched->body), now, url, fetched->etag);
  if (!st) {
    last_failure_ = "revocation feed from " + url + " refused: " + st.error().message;
    return;
  }
  last_attempt_failed_ = false;
  last_failure_.clear();
  confirmed = true;
}

Status RevocationChecker::check(const Claims& claims, std::string_view kid, UnixTime now) {
  std::lock_guard lock(mutex_);
  store_.load_cache();
  store_.distrust_future(now);
  bool confirmed = false;  // a feed source vouched for the current feed during this check
  if (!settings_.file.empty()) {
    if (auto st = refresh_from_file(now, confirmed); !st) return st;
  } else {
    const std::string& url = !settings_.sync_url.empty() ? settings_.sync_url
                             : claims.sync               ? claims.sync->url
                                                         : settings_.sync_url;
    if (!url.empty()) maybe_sync(url, claims, now, confirmed);
  }

  // Whatever feed is held, however old, still counts: a revocation never expires.
  if (const auto feed = store_.current()) {
    if (feed->is_retired(kid)) {
      return make_error(ErrorCode::revoked, "license is signed by a retired key (" +
                                                std::string(kid) +
                                                "); ask the vendor for a new file");
    }
    if (const auto value = feed->lookup(feed::hash_license_key(claims.lic))) {
      if (*value == feed::kRevoked) {
        return make_error(ErrorCode::revoked, "license " + claims.lic +
                                                  " has been revoked (revocation feed " +
                                                  std::to_string(feed->sequence()) + ")");
      }
      if (claims.rev < static_cast<std::int64_t>(*value)) {
        return make_error(ErrorCode::superseded,
                          "this file is revision " + std::to_string(claims.rev) + " of license " +
                              claims.lic + "; revisions below " + std::to_string(*value) +
                              " were replaced (e.g. after a device change): use the newest file");
      }
    }
  }

  // A damaged cache is not taken for none: the license may be one it revoked.
  if (auto damage = store_.cache_damage()) return *damage;
  if (!claims.sync) return {};
  const std::int64_t max_age = claims.sync->max_age;
  const std::string why = last_failure_.empty() ? "" : " (" + last_failure_ + ")";
  if (max_age == 0) {
    if (confirmed) return {};
    return make_error(ErrorCode::stale_revocations,
                      "this license needs a successful revocation sync at every check, and this "
                      "one failed" +
                          why);
  }
  if (!store_.current() || store_.verified_at() == 0) {
    return make_error(ErrorCode::stale_revocations,
                      "this license needs a revocation feed no older than " + seconds(max_age) +
                          " and none has been verified yet" + store_.unverified_note() + why);
  }
  if (now - store_.verified_at() > max_age) {
    return make_error(ErrorCode::stale_revocations,
                      "the revocation feed was last verified at " +
                          format_rfc3339(store_.verified_at()) + ", more than " + seconds(max_age) +
                          " ago; connect to the internet to refresh it" + why);
  }
  return {};
}

}  // namespace licet::detail
