#include "licet/keys/key_file.hpp"

#include <sodium.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "licet/common/file_io.hpp"

namespace licet::keys {
namespace {

constexpr std::size_t kMaxKeyFile = 4096;

std::string trimmed(std::string s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  const auto e = s.find_last_not_of(" \t\r\n");
  std::string out = b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
  sodium_memzero(s.data(), s.size());
  return out;
}

}  // namespace

Status write_secret_file(const std::filesystem::path& path, const std::string& paserk) {
  std::string text = paserk + "\n";
  auto st = write_file_atomic(path, text, 0600);
  sodium_memzero(text.data(), text.size());
  return st;
}

Status write_public_file(const std::filesystem::path& path, const std::string& paserk) {
  return write_file_atomic(path, paserk + "\n", 0644);
}

Result<std::string> read_secret_file(const std::filesystem::path& path) {
  struct stat sb {};
  if (::stat(path.c_str(), &sb) != 0) {
    return make_error(ErrorCode::io_error,
                      "cannot read secret key " + path.string() + ": " + std::strerror(errno));
  }
  if ((sb.st_mode & 077) != 0) {
    return make_error(ErrorCode::io_error,
                      "secret key " + path.string() +
                          " is readable by group or others; run: chmod 600 " + path.string());
  }
  auto text = read_file(path, kMaxKeyFile);
  if (!text) return std::move(text).error();
  return trimmed(std::move(*text));
}

Result<std::string> read_public_file(const std::filesystem::path& path) {
  auto text = read_file(path, kMaxKeyFile);
  if (!text) return std::move(text).error();
  return trimmed(std::move(*text));
}

}  // namespace licet::keys
