#include "state/state_dir.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "device_id.hpp"
#include "licet/common/file_io.hpp"
#include "licet/common/sodium_init.hpp"

namespace licet::detail {
namespace {

// The `os` component of this machine's device ID for `app_id` ("-" when it has none): the
// machine part of the state key. Never LICET_DEVICE_ID: the environment is the user's to set.
std::string machine_component(std::string_view app_id) {
  auto raw = device::platform_components();
  raw[1].reset();
  raw[2].reset();
  auto id = device::make_device_id(raw, app_id);
  if (!id) return "-";
  const auto parts = device::parse_licet_id(*id);
  return parts && !(*parts)[0].empty() ? std::string((*parts)[0]) : "-";
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

StateDir::StateDir(std::filesystem::path dir, std::string app_id,
                   std::optional<std::string> machine)
    : dir_(std::move(dir)), app_id_(std::move(app_id)) {
  if (machine) {
    std::call_once(machine_once_, [&] { machine_ = std::move(*machine); });
  }
}

const std::string& StateDir::machine() const {
  std::call_once(machine_once_, [this] { machine_ = machine_component(app_id_); });
  return machine_;
}

StateKey StateDir::key_for(const StateSecret& secret) const {
  return derive_state_key(secret, app_id_, machine());
}

Error StateDir::damaged(std::string_view why) const {
  return make_error(ErrorCode::io_error,
                    "clock guard state " + file(kClockFile).string() + " is " + std::string(why) +
                        "; restore it, or delete the whole state directory " + dir_.string() +
                        " to reset the guard (this also removes the stored license)");
}

Result<std::optional<ClockState>> StateDir::load_clock() const {
  const auto path = file(kClockFile);
  bool not_found = false;
  auto text =
      read_file(path, kMaxClockStateBytes, {FileKind::regular, ErrorCode::malformed, &not_found});
  if (not_found) {
    // Every other state file is written after clock.json (docs/FORMAT.md), so without it they
    // mean the guard was deleted on its own, not that the directory is new.
    std::error_code ec;
    for (const char* other : {kLicenseFile, kFeedMetaFile, kFeedFile}) {
      if (std::filesystem::exists(std::filesystem::symlink_status(file(other), ec))) {
        return damaged(std::string("missing while the directory holds ") + other);
      }
    }
    // A dangling symlink is not "no state": something was there.
    if (std::filesystem::is_symlink(std::filesystem::symlink_status(path, ec))) {
      return damaged("a dangling symbolic link");
    }
    return std::optional<ClockState>{};
  }
  if (!text) {
    if (text.code() == ErrorCode::malformed) return damaged("damaged (larger than 1 KiB)");
    return std::move(text).error();
  }
  // The same bytes as last time verified then: no need to parse and check the MAC again (this
  // runs on every license check).
  if (verified_text_ && *text == *verified_text_) return std::optional<ClockState>(verified_state_);
  auto state =
      parse_clock_state(*text, [this](const StateSecret& secret) { return key_for(secret); });
  if (!state) return damaged("damaged (" + state.error().message + ")");
  remember(std::move(*text), *state);
  return std::optional<ClockState>(*state);
}

void StateDir::remember(std::string text, const ClockState& state) const {
  verified_text_ = std::move(text);
  verified_state_ = state;
}

Result<ClockState> StateDir::save_clock(const ClockState& state, bool create) const {
  if (auto st = ensure_state_dir(dir_); !st) return st.error();
  std::string text = format_clock_state(state, key_for(state.secret));
  const auto path = file(kClockFile);
  if (!create) {
    if (auto st = write_file_atomic(path, text, 0600); !st) return st.error();
    remember(std::move(text), state);
    return state;
  }
  bool exists = false;
  if (auto st = write_file_new(path, text, 0600, &exists); !st) {
    if (!exists) return st.error();
    // Another process made this directory's state first: use its secret.
    auto theirs = load_clock();
    if (!theirs) return std::move(theirs).error();
    if (!*theirs) return damaged("missing right after another process created it");
    return **theirs;
  }
  remember(std::move(text), state);
  return state;
}

Result<std::optional<ClockState>> StateDir::read_clock() const {
  std::lock_guard lock(mutex_);
  return load_clock();
}

// Under mutex_.
Result<ClockState> StateDir::ensure_clock(UnixTime now) const {
  auto current = load_clock();
  if (!current) return std::move(current).error();
  if (*current) return **current;
  ensure_sodium();
  ClockState fresh;
  randombytes_buf(fresh.secret.data(), fresh.secret.size());
  fresh.last_seen = now;
  return save_clock(fresh, /*create=*/true);
}

Result<ClockState> StateDir::clock_for_writing(UnixTime now) const {
  std::lock_guard lock(mutex_);
  return ensure_clock(now);
}

Status StateDir::record_feed(std::uint64_t sequence, UnixTime now) const {
  std::lock_guard lock(mutex_);
  auto current = ensure_clock(now);
  if (!current) return std::move(current).error();
  if (current->feed >= sequence) return {};
  ClockState next = *current;
  next.feed = sequence;
  auto saved = save_clock(next, /*create=*/false);
  if (!saved) return std::move(saved).error();
  return {};
}

}  // namespace licet::detail
