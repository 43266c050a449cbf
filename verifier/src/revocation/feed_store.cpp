#include "revocation/feed_store.hpp"

#include <algorithm>

#include "licet/common/file_io.hpp"
#include "state/state_files.hpp"

namespace licet::detail {
namespace {

std::string describe(const feed::Feed& f) {
  return "revocation feed " + std::to_string(f.sequence());
}

bool present(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::exists(std::filesystem::symlink_status(p, ec));
}

}  // namespace

FeedStore::FeedStore(std::shared_ptr<const StateDir> state, const keys::Keyring& keyring,
                     std::int64_t tolerance)
    : state_(std::move(state)), keyring_(keyring), tolerance_(tolerance) {}

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

// docs/FORMAT.md, "Revocation feed cache": revocations.feed is written first, then
// revocations.json, then the sequence in clock.json. So a feed newer than what the others record
// is a write cut short (kept, but not verified), while a feed that is missing, unverifiable or
// older than what they record is damage.
void FeedStore::load_cache() {
  if (cache_loaded_ || !state_) return;
  cache_loaded_ = true;
  const auto meta_path = state_->file(kMetaFile);
  const auto feed_path = state_->file(kFeedFile);

  auto clock = state_->read_clock();
  const std::uint64_t recorded = clock && *clock ? (*clock)->feed : 0;

  std::optional<FeedMeta> meta;
  std::string meta_problem;
  if (present(meta_path)) {
    auto text = read_file(meta_path, kMaxFeedMetaBytes, {FileKind::regular, ErrorCode::malformed});
    if (!clock) {
      meta_problem = meta_path.string() + " cannot be checked: " + clock.error().message;
    } else if (!*clock) {
      meta_problem = meta_path.string() + " cannot be checked without clock.json";
    } else if (!text) {
      meta_problem = text.error().message;
    } else if (auto parsed = parse_feed_meta(*text, state_->key_for((*clock)->secret)); !parsed) {
      meta_problem = meta_path.string() + " is damaged: " + parsed.error().message;
    } else {
      meta = std::move(*parsed);
    }
  }
  const std::uint64_t floor = std::max(meta ? meta->sequence : 0, recorded);
  const std::string recorded_in =
      meta && meta->sequence >= recorded ? meta_path.string() : std::string("clock.json");

  std::string feed_problem;
  if (present(feed_path)) {
    auto bytes =
        read_file(feed_path, feed::kMaxFeedBytes, {FileKind::regular, ErrorCode::malformed});
    if (!bytes) {
      feed_problem = bytes.error().message;
    } else if (auto parsed = authenticate(std::move(*bytes)); !parsed) {
      feed_problem = feed_path.string() + " does not verify: " + parsed.error().message;
    } else {
      feed_ = std::make_shared<const feed::Feed>(std::move(*parsed));
    }
  } else if (floor > 0) {
    feed_problem = feed_path.string() + " is missing";
  }

  floor_ = floor;
  if (!meta_problem.empty()) {
    // A feed that verifies still counts for its revocations; its verification time is unknown.
    damage_ = meta_problem;
    return;
  }
  if (!feed_problem.empty()) {
    damage_ = floor > 0 ? feed_problem + ", although " + recorded_in + " records feed " +
                              std::to_string(floor)
                        : feed_problem;
    return;
  }
  if (!feed_) return;
  if (feed_->sequence() < floor) {
    damage_ = feed_path.string() + " holds feed " + std::to_string(feed_->sequence()) +
              ", older than feed " + std::to_string(floor) + " recorded in " + recorded_in;
    feed_.reset();
    return;
  }
  if (!meta || feed_->sequence() > meta->sequence) return;
  verified_at_ = meta->verified_at;
  etag_ = std::move(meta->etag);
  url_ = std::move(meta->url);
}

std::optional<Error> FeedStore::cache_damage() const {
  if (!damage_) return std::nullopt;
  return make_error(ErrorCode::stale_revocations,
                    "the cached revocation feed is damaged (" + *damage_ + "); sync again");
}

void FeedStore::distrust_future(UnixTime now) {
  if (verified_at_ <= now + tolerance_) return;
  unverified_note_ = " (the cache says it was verified at " + format_rfc3339(verified_at_) +
                     ", later than this computer's clock: the state was edited or the clock "
                     "was wrong)";
  verified_at_ = 0;
}

Status FeedStore::persist(bool feed_changed, UnixTime now) const {
  if (!state_ || !feed_) return {};
  // Creates the state directory's secret (clock.json) first when it has none yet.
  auto clock = state_->clock_for_writing(now);
  if (!clock) return std::move(clock).error();
  if (feed_changed) {
    if (auto st = write_file_atomic(state_->file(kFeedFile), feed_->bytes(), 0644); !st) return st;
  }
  FeedMeta meta;
  meta.sequence = feed_->sequence();
  meta.verified_at = verified_at_;
  if (storable_text(url_)) meta.url = url_;
  if (storable_text(etag_)) meta.etag = etag_;
  const std::string text = format_feed_meta(meta, state_->key_for(clock->secret));
  if (auto st = write_file_atomic(state_->file(kMetaFile), text, 0644); !st) return st;
  return state_->record_feed(meta.sequence, now);
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
  const std::uint64_t held = std::max(feed_ ? feed_->sequence() : 0, floor_);
  if (parsed->sequence() < held) {
    return make_error(ErrorCode::stale_revocations,
                      describe(*parsed) + " is older than the feed already held (" +
                          std::to_string(held) + "); rollback refused");
  }
  if (feed_ && parsed->sequence() == feed_->sequence()) {
    if (parsed->bytes() != feed_->bytes()) {
      return make_error(ErrorCode::stale_revocations,
                        describe(*parsed) +
                            " differs from the feed already held with the same sequence; refused");
    }
    same = true;
  }
  auto previous = feed_;
  const auto previous_at = verified_at_;
  auto previous_etag = etag_;
  auto previous_url = url_;
  if (!same) feed_ = std::make_shared<const feed::Feed>(std::move(*parsed));
  verified_at_ = now;
  etag_ = etag;
  url_ = url;
  // A damaged cache on disk is replaced as a whole: the feed file too.
  if (auto st = persist(!same || damage_.has_value(), now); !st) {
    feed_ = std::move(previous);
    verified_at_ = previous_at;
    etag_ = std::move(previous_etag);
    url_ = std::move(previous_url);
    return make_error(ErrorCode::io_error,
                      "cannot save the revocation feed cache: " + st.error().message);
  }
  damage_.reset();
  floor_ = std::max(floor_, feed_->sequence());
  unverified_note_.clear();
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
  unverified_note_.clear();
  return save ? persist(false, now) : Status{};
}

}  // namespace licet::detail
