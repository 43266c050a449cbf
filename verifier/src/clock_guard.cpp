#include "clock_guard.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "licet/common/file_io.hpp"
#include "licet/common/json.hpp"

namespace licet::detail {
namespace {

constexpr std::size_t kMaxStateBytes = 1024;

Error damaged(const std::filesystem::path& path, std::string_view why) {
  return make_error(ErrorCode::io_error, "clock guard state " + path.string() + " is damaged (" +
                                             std::string(why) +
                                             "); restore it or delete it to reset the guard");
}

}  // namespace

Status ensure_state_dir(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) return {};
  if (dir.has_parent_path() && dir.parent_path() != dir) {
    std::filesystem::create_directories(dir.parent_path(), ec);
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return make_error(ErrorCode::io_error, "cannot create state directory " + dir.string() + ": " +
                                               std::strerror(errno));
  }
  if (!std::filesystem::is_directory(dir, ec)) {
    return make_error(ErrorCode::io_error,
                      "state directory " + dir.string() + " is not a directory");
  }
  return {};
}

Result<std::optional<UnixTime>> ClockGuard::load() const {
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::symlink_status(path_, ec))) {
    return std::optional<UnixTime>{};
  }
  auto text = read_file(path_, kMaxStateBytes);
  if (!text) {
    if (text.error().message.find("larger than") != std::string::npos) {
      return damaged(path_, "larger than 1 KiB");
    }
    return std::move(text).error();
  }
  auto doc = json::parse_object(*text, {kMaxStateBytes, 1});
  if (!doc) return damaged(path_, doc.error().message);
  const rapidjson::Value& fields = *doc;
  const auto v = fields.FindMember("v");
  if (v == fields.MemberEnd() || !v->value.IsInt() || v->value.GetInt() != 1) {
    return damaged(path_, "missing or unknown version \"v\"");
  }
  const auto last = fields.FindMember("last_seen");
  if (last == fields.MemberEnd() || !last->value.IsInt64() || last->value.GetInt64() < kMinTime ||
      last->value.GetInt64() > kMaxTime) {
    return damaged(path_, "\"last_seen\" is not a Unix time");
  }
  return std::optional<UnixTime>(last->value.GetInt64());
}

Status ClockGuard::observe(UnixTime now, UnixTime iat) const {
  std::lock_guard lock(mutex_);
  auto last = load();
  if (!last) return std::move(last).error();
  if (*last && now < **last - tolerance_) {
    return make_error(ErrorCode::clock_tampered, "this computer's clock (" + format_rfc3339(now) +
                                                     ") is behind a time it has already shown (" +
                                                     format_rfc3339(**last) +
                                                     "); correct the date and time settings");
  }
  const UnixTime next = std::max<UnixTime>({last->value_or(kMinTime), now, iat});
  // A write only when time moved forward: repeat checks within a second touch no disk.
  if (*last && next <= **last) return {};
  if (auto st = ensure_state_dir(path_.parent_path()); !st) return st;
  return write_file_atomic(path_, "{\"v\":1,\"last_seen\":" + std::to_string(next) + "}\n", 0600);
}

}  // namespace licet::detail
