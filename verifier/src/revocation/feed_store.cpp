#include "revocation/feed_store.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "clock_guard.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/json.hpp"

namespace licet::detail {
namespace {

constexpr std::size_t kMaxMetaBytes = 16 * 1024;

std::string describe(const feed::Feed& f) {
  return "revocation feed " + std::to_string(f.sequence());
}

}  // namespace

FeedStore::FeedStore(std::filesystem::path state_dir, const keys::Keyring& keyring,
                     std::int64_t tolerance)
    : dir_(std::move(state_dir)), keyring_(keyring), tolerance_(tolerance) {}

bool FeedStore::is_current(UnixTime now) const {
  return feed_ && now <= feed_->next_update() + tolerance_;
}

// One signature by a trusted key suffices (docs/FORMAT.md, "Revocation feed"): the issuer signs
// with every key it has not retired, so an application that knows only an older key still accepts
// the feed after a rotation. The keys always come from the application's keyring, never from the
// feed; a key the held feed lists as retired no longer vouches for anything.
Result<feed::Feed> FeedStore::authenticate(std::string bytes) const {
  auto parsed = feed::Feed::parse(std::move(bytes));
  if (!parsed) return std::move(parsed).error();
  std::optional<Error> failed;  // a trusted signer whose signature does not verify
  std::string retired;          // a trusted signer the held feed retired
  std::string untrusted;
  for (const feed::KeyId& id : parsed->signer_ids()) {
    const std::string pid = feed::pid_from_key_id(id);
    const auto key = keyring_.find(pid);
    if (!key) {
      untrusted += (untrusted.empty() ? "" : ", ") + pid;
      continue;
    }
    if (feed_ && feed_->is_retired(id)) {
      retired = pid;
      continue;
    }
    auto st = parsed->verify_signature(id, *key);
    if (st) return parsed;
    if (!failed) failed = st.error();
  }
  if (failed) return *failed;
  if (!retired.empty()) {
    return make_error(ErrorCode::unknown_key, "revocation feed is signed by key " + retired +
                                                  ", which the vendor has retired");
  }
  const bool several = parsed->signer_ids().size() > 1;
  return make_error(ErrorCode::unknown_key, std::string("revocation feed is signed by key") +
                                                (several ? "s " : " ") + untrusted +
                                                ", which this application does not trust");
}

void FeedStore::load_cache() {
  if (cache_loaded_ || dir_.empty()) return;
  cache_loaded_ = true;
  std::error_code ec;
  const auto feed_path = dir_ / kFeedFile;
  if (!std::filesystem::exists(feed_path, ec)) return;
  auto bytes = read_file(feed_path, feed::kMaxFeedBytes);
  if (!bytes) return;
  auto parsed = authenticate(std::move(*bytes));
  if (!parsed) return;  // a damaged cache counts as none; the next sync replaces it
  feed_ = std::make_shared<const feed::Feed>(std::move(*parsed));

  auto meta_text = read_file(dir_ / kMetaFile, kMaxMetaBytes);
  if (!meta_text) return;
  auto meta = json::parse_object(*meta_text, {kMaxMetaBytes, 1});
  if (!meta) return;
  // Through a const value, so both sides are ConstMemberIterator (clang
  // -Wambiguous-reversed-operator).
  const rapidjson::Value& fields = *meta;
  const auto seq = fields.FindMember("sequence");
  const auto at = fields.FindMember("verified_at");
  // The two files are replaced one after the other; meta for another feed is not trusted.
  if (seq == fields.MemberEnd() || !seq->value.IsUint64() ||
      seq->value.GetUint64() != feed_->sequence() || at == fields.MemberEnd() ||
      !at->value.IsInt64()) {
    return;
  }
  verified_at_ = at->value.GetInt64();
  const auto etag = fields.FindMember("etag");
  const auto url = fields.FindMember("url");
  if (etag != fields.MemberEnd() && etag->value.IsString()) etag_ = etag->value.GetString();
  if (url != fields.MemberEnd() && url->value.IsString()) url_ = url->value.GetString();
}

Status FeedStore::persist(bool feed_changed) const {
  if (dir_.empty() || !feed_) return {};
  if (auto st = ensure_state_dir(dir_); !st) return st;
  if (feed_changed) {
    if (auto st = write_file_atomic(dir_ / kFeedFile, feed_->bytes(), 0644); !st) return st;
  }
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("v");
  w.Int(1);
  w.Key("sequence");
  w.Uint64(feed_->sequence());
  w.Key("verified_at");
  w.Int64(verified_at_);
  w.Key("url");
  w.String(url_.c_str(), static_cast<rapidjson::SizeType>(url_.size()));
  w.Key("etag");
  w.String(etag_.c_str(), static_cast<rapidjson::SizeType>(etag_.size()));
  w.EndObject();
  return write_file_atomic(dir_ / kMetaFile, std::string(buf.GetString(), buf.GetSize()) + "\n",
                           0644);
}

Status FeedStore::offer(std::string bytes, UnixTime now, const std::string& url,
                        const std::string& etag) {
  load_cache();
  auto parsed = authenticate(std::move(bytes));
  if (!parsed) return std::move(parsed).error();
  if (now > parsed->next_update() + tolerance_) {
    return make_error(ErrorCode::stale_revocations,
                      describe(*parsed) + " expired at " + format_rfc3339(parsed->next_update()) +
                          " (a frozen feed is refused; the vendor must publish a new one)");
  }
  bool same = false;
  if (feed_) {
    if (parsed->sequence() < feed_->sequence()) {
      return make_error(ErrorCode::stale_revocations,
                        describe(*parsed) + " is older than the feed already held (" +
                            std::to_string(feed_->sequence()) + "); rollback refused");
    }
    if (parsed->sequence() == feed_->sequence()) {
      if (parsed->bytes() != feed_->bytes()) {
        return make_error(
            ErrorCode::stale_revocations,
            describe(*parsed) +
                " differs from the feed already held with the same sequence; refused");
      }
      same = true;
    }
  }
  auto previous = feed_;
  const auto previous_at = verified_at_;
  auto previous_etag = etag_;
  auto previous_url = url_;
  if (!same) feed_ = std::make_shared<const feed::Feed>(std::move(*parsed));
  verified_at_ = now;
  etag_ = etag;
  url_ = url;
  if (auto st = persist(!same); !st) {
    feed_ = std::move(previous);
    verified_at_ = previous_at;
    etag_ = std::move(previous_etag);
    url_ = std::move(previous_url);
    return make_error(ErrorCode::io_error,
                      "cannot save the revocation feed cache: " + st.error().message);
  }
  return {};
}

Status FeedStore::confirm(UnixTime now, bool save) {
  load_cache();
  if (!feed_) return make_error(ErrorCode::io_error, "the server said 304 but no feed is cached");
  if (!is_current(now)) {
    return make_error(ErrorCode::stale_revocations, describe(*feed_) + " expired at " +
                                                        format_rfc3339(feed_->next_update()) +
                                                        " and the server has nothing newer");
  }
  verified_at_ = now;
  return save ? persist(false) : Status{};
}

}  // namespace licet::detail
