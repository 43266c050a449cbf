#include "revocation/checker.hpp"

#include <algorithm>

#include "licet/common/file_io.hpp"
#include "licet/common/verdict.hpp"
#include "net/http_client.hpp"

namespace licet::detail {
namespace {

std::string seconds(std::int64_t s) {
  return std::to_string(s) + " s";
}

SyncResult sync_result(SyncStatus status, std::string message, const std::string& url,
                       long http = 0, ErrorCode code = ErrorCode::ok) {
  SyncResult r;
  r.status = status;
  r.message = std::move(message);
  r.url = url;
  r.http_status = static_cast<int>(http);
  r.code = code;
  return r;
}

SyncStatus status_of(net::Failure f) {
  switch (f) {
    case net::Failure::timeout:
      return SyncStatus::timeout;
    case net::Failure::tls:
      return SyncStatus::tls_error;
    case net::Failure::unavailable:
      return SyncStatus::unavailable;
    case net::Failure::too_large:
    case net::Failure::protocol:
      return SyncStatus::server_error;
    case net::Failure::none:
    case net::Failure::bad_url:
    case net::Failure::connect:
      break;
  }
  return SyncStatus::network_error;
}

}  // namespace

RevocationChecker::RevocationChecker(RevocationSettings settings, const keys::Keyring& keyring)
    : settings_(std::move(settings)), store_(settings_.state, keyring, settings_.tolerance) {}

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
  return {};
}

std::string RevocationChecker::default_sync_url() const {
  if (!settings_.sync_url.empty()) return settings_.sync_url;
  std::lock_guard lock(mutex_);
  return last_url_;
}

SyncResult RevocationChecker::sync(const std::string& url, UnixTime now) {
  std::string etag;
  {
    std::lock_guard lock(mutex_);
    store_.load_cache();
    // Revalidate only a feed that came from this URL and is still current: a 304 then renews it.
    if (store_.current() && store_.url() == url && store_.is_current(now)) etag = store_.etag();
  }

  net::Request request;
  request.url = url;
  request.if_none_match = etag;
  request.timeout_ms = static_cast<long>(settings_.network_timeout_ms);
  request.connect_timeout_ms = std::min(request.connect_timeout_ms, request.timeout_ms);
  request.max_bytes = feed::kMaxFeedBytes;
  net::Response answer = net::perform(request);  // no lock held: checks go on meanwhile

  std::lock_guard lock(mutex_);
  SyncResult result;
  if (!answer.ok()) {
    result =
        sync_result(status_of(answer.failure),
                    "cannot download the revocation feed from " + url + ": " + answer.message, url);
  } else if (answer.status == 304 && !etag.empty()) {
    const Status st = store_.confirm(now);
    result = st ? sync_result(SyncStatus::unchanged, "", url, answer.status)
                : sync_result(
                      st.code() == ErrorCode::io_error ? SyncStatus::io_error : SyncStatus::refused,
                      "revocation feed from " + url + ": " + st.error().message, url, answer.status,
                      st.code());
  } else if (answer.status != 200) {
    result = sync_result(SyncStatus::server_error,
                         "the server answered HTTP " + std::to_string(answer.status) +
                             " for the revocation feed at " + url,
                         url, answer.status);
  } else {
    const auto before = store_.current();
    const Status st = store_.offer(std::move(answer.body), now, url, answer.etag);
    if (st) {
      const bool same = before && store_.current() == before;
      result =
          sync_result(same ? SyncStatus::unchanged : SyncStatus::updated, "", url, answer.status);
    } else if (st.code() == ErrorCode::io_error) {
      result = sync_result(SyncStatus::io_error, st.error().message, url, answer.status, st.code());
    } else {
      result = sync_result(SyncStatus::refused,
                           "revocation feed from " + url + " refused: " + st.error().message, url,
                           answer.status, st.code());
    }
  }
  last_failure_ = result.ok() ? std::string() : result.message;
  return result;
}

Status RevocationChecker::check(const Claims& claims, std::string_view kid, UnixTime now) {
  bool confirmed = false;  // a feed source vouched for the current feed during this check
  const bool strict = claims.sync && claims.sync->max_age == 0;
  const std::string& url = !settings_.sync_url.empty() ? settings_.sync_url
                           : claims.sync               ? claims.sync->url
                                                       : settings_.sync_url;
  // The only check that goes online: this license demands a sync at every check.
  if (strict && settings_.file.empty() && !url.empty()) confirmed = sync(url, now).ok();

  std::lock_guard lock(mutex_);
  store_.load_cache();
  store_.distrust_future(now);
  if (claims.sync && last_url_ != claims.sync->url) last_url_ = claims.sync->url;
  if (!settings_.file.empty()) {
    if (auto st = refresh_from_file(now, confirmed); !st) return st;
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
                      "sync needed: this license needs a revocation feed no older than " +
                          seconds(max_age) + " and none has been verified yet" +
                          store_.unverified_note() + why);
  }
  if (now - store_.verified_at() > max_age) {
    return make_error(ErrorCode::stale_revocations,
                      "sync needed: the revocation feed was last verified at " +
                          format_rfc3339(store_.verified_at()) + ", more than " + seconds(max_age) +
                          " ago; connect to the internet to refresh it" + why);
  }
  return {};
}

}  // namespace licet::detail
