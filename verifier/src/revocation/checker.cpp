#include "revocation/checker.hpp"

#include "licet/common/file_io.hpp"
#include "licet/common/verdict.hpp"

namespace licet::detail {
namespace {

std::string seconds(std::int64_t s) {
  return std::to_string(s) + " s";
}

}  // namespace

RevocationChecker::RevocationChecker(RevocationSettings settings, const keys::Keyring& keyring)
    : settings_(std::move(settings)), store_(settings_.state_dir, keyring, settings_.tolerance) {}

// The configured file is re-read only when it changes (size or mtime), so a large feed costs
// its load once, not on every check; and it is looked at (stat) at most once per second of the
// verifier's clock, since a stat costs more than the whole re-check of a license
// (docs/PERFORMANCE.md, "Revocation feed").
Status RevocationChecker::refresh_from_file(UnixTime now, bool& confirmed) {
  if (!file_looked_at_ || *file_looked_at_ != now) {
    file_looked_at_ = now;
    file_status_ = look_at_file(now);
  }
  confirmed = file_status_.ok();
  return file_status_;
}

Status RevocationChecker::look_at_file(UnixTime now) {
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
    auto bytes = read_file(settings_.file, feed::kMaxFeedBytes);
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
    if (!keys_ || keys_lic_ != claims.lic || keys_jti_ != claims.jti || keys_kid_ != kid) {
      keys_ = revocation_keys(claims, kid);
      keys_lic_ = claims.lic;
      keys_jti_ = claims.jti;
      keys_kid_ = kid;
    }
    if (auto st = revocation_verdict(*feed, claims, kid, *keys_); !st) return st;
  }

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
                          " and none has been verified yet" + why);
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
