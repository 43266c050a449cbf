// Arbitrary bytes as a license file. When the reader accepts, writing the result in canonical
// form and reading it back must give the same token and comments.
#include <cstddef>
#include <cstdint>
#include <string>

#include "licet/common/armor.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto file = licet::armor::read(text);
  if (!file) return 0;
  if (file->token.empty()) __builtin_trap();
  auto again = licet::armor::read(licet::armor::write(file->token, file->comments));
  if (!again || again->token != file->token || again->comments != file->comments) {
    __builtin_trap();
  }
  return 0;
}
