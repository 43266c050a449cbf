#include "lifecycle/device_key.hpp"

#include <sodium.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "clock_guard.hpp"
#include "licet/keys/key_file.hpp"
#include "licet/keys/paserk.hpp"

namespace licet::detail {
namespace {

// Wipes the PASERK text of a secret key when it leaves scope.
struct WipedString {
  std::string text;
  ~WipedString() { sodium_memzero(text.data(), text.size()); }
};

}  // namespace

Result<SecretKey> load_device_key(const std::filesystem::path& state_dir) {
  const auto path = state_dir / kDeviceKeyFile;
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) {
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return make_error(ErrorCode::io_error, "cannot read " + path.string() + ": " + ec.message());
    }
    return make_error(ErrorCode::not_activated,
                      "this device has no device key in " + state_dir.string());
  }
  auto text = keys::read_secret_file(path);
  if (!text) return std::move(text).error();
  WipedString wiped{std::move(*text)};
  auto key = paserk::parse_secret(wiped.text);
  if (!key) {
    return make_error(ErrorCode::io_error,
                      "the device key " + path.string() + " is damaged: " + key.error().message);
  }
  return std::move(*key);
}

Result<SecretKey> load_or_create_device_key(const std::filesystem::path& state_dir) {
  auto existing = load_device_key(state_dir);
  if (existing || existing.code() != ErrorCode::not_activated) return existing;

  if (auto st = ensure_state_dir(state_dir); !st) return st.error();
  const SecretKey fresh = paserk::generate_secret_key();
  WipedString paserk_text{paserk::to_secret(fresh)};
  // Written whole under a unique name, then linked into place: link() fails when another
  // process created the key meanwhile, so a device key is never replaced once it exists.
  const auto final_path = state_dir / kDeviceKeyFile;
  const auto temp_path =
      state_dir / (std::string(kDeviceKeyFile) + ".new-" + std::to_string(::getpid()) + "-" +
                   std::to_string(randombytes_random()));
  if (auto st = keys::write_secret_file(temp_path, paserk_text.text); !st) return st.error();
  int linked = ::link(temp_path.c_str(), final_path.c_str());
  int link_errno = errno;
  if (linked != 0 && (link_errno == EPERM || link_errno == EOPNOTSUPP || link_errno == ENOSYS)) {
    // A file system without hard links: a plain rename, after checking no key appeared.
    std::error_code exists_ec;
    if (std::filesystem::exists(final_path, exists_ec)) {
      link_errno = EEXIST;
    } else {
      linked = ::rename(temp_path.c_str(), final_path.c_str());
      link_errno = errno;
    }
  }
  std::error_code ec;
  std::filesystem::remove(temp_path, ec);
  if (linked != 0 && link_errno != EEXIST) {
    return make_error(ErrorCode::io_error,
                      "cannot create " + final_path.string() + ": " + std::strerror(link_errno));
  }
  return load_device_key(state_dir);  // ours, or the one that won the race
}

}  // namespace licet::detail
