#include "server/feed_cache.hpp"

#include <sodium.h>

#include <chrono>

#include "feed/publisher.hpp"
#include "licet/common/sodium_init.hpp"

namespace licet::issuer::server {
namespace {

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string hex(const unsigned char* p, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 15];
  }
  return out;
}

}  // namespace

FeedCache::FeedCache(std::unique_ptr<Db> db, std::mutex& writer, const SecretKey& key,
                     std::string actor, std::int64_t valid_for, double recheck_seconds)
    : db_(std::move(db)),
      writer_(writer),
      key_(key),
      actor_(std::move(actor)),
      valid_for_(valid_for),
      recheck_seconds_(recheck_seconds) {}

void FeedCache::invalidate() {
  std::lock_guard lock(mutex_);
  dirty_ = true;
}

// Everything the feed is made of, hashed: the same rows the publisher reads.
std::string FeedCache::fingerprint() {
  ensure_sodium();
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 32);
  auto feed = [&st](const std::string& s) {
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(s.data()), s.size() + 1);
  };
  {
    auto q = db_->prepare(
        "SELECT license_key, status, superseded_below FROM licenses "
        "WHERE status = 'revoked' OR superseded_below > 1 ORDER BY id");
    while (q.step()) {
      feed(q.text(0));
      feed(q.text(1));
      feed(std::to_string(q.int64(2)));
    }
  }
  {
    auto q = db_->prepare("SELECT pid FROM signing_keys WHERE state = 'retired' ORDER BY pid");
    while (q.step()) feed("key:" + q.text(0));
  }
  unsigned char out[32];
  crypto_generichash_final(&st, out, sizeof out);
  return hex(out, sizeof out);
}

void FeedCache::publish_locked(UnixTime now) {
  feed::Published p;
  {
    std::lock_guard w(writer_);
    p = feed::publish(*db_, key_, actor_, now, valid_for_);
  }
  unsigned char h[16];
  crypto_generichash(h, sizeof h, reinterpret_cast<const unsigned char*>(p.bytes.data()),
                     p.bytes.size(), nullptr, 0);
  snapshot_.etag = "\"" + std::to_string(p.sequence) + "-" + hex(h, sizeof h) + "\"";
  snapshot_.bytes = std::make_shared<const std::string>(std::move(p.bytes));
  issued_at_ = p.issued_at;
}

FeedCache::Snapshot FeedCache::current() {
  std::lock_guard lock(mutex_);
  const double t = steady_seconds();
  const UnixTime now = system_now();
  const bool aging = snapshot_.bytes && now - issued_at_ >= valid_for_ / 2;
  if (snapshot_.bytes && !dirty_ && !aging && t - last_check_ < recheck_seconds_) return snapshot_;
  last_check_ = t;
  std::int64_t version = 0;
  {
    auto q = db_->prepare("PRAGMA data_version");
    q.step();
    version = q.int64(0);
  }
  if (snapshot_.bytes && !dirty_ && !aging && version == data_version_) return snapshot_;
  data_version_ = version;
  dirty_ = false;
  std::string fp = fingerprint();
  if (snapshot_.bytes && !aging && fp == fingerprint_) return snapshot_;
  publish_locked(now);
  fingerprint_ = std::move(fp);
  return snapshot_;
}

}  // namespace licet::issuer::server
