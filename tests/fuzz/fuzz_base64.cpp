// fuzz_base64: the table-driven base64url for public bytes against libsodium. Any input decodes
// to the same verdict and bytes with both (libsodium refusing bytes >= 0x80 first, the one
// documented difference: docs/FORMAT.md "Strict base64url"), and the input taken as bytes
// encodes to the same text with both. A difference aborts.
#include <sodium.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "licet/common/base64.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (sodium_init() < 0) std::abort();
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  bool high = false;
  for (char c : text) high = high || static_cast<unsigned char>(c) >= 0x80;
  std::string reference(size / 4 * 3 + 3, '\0');
  std::size_t len = 0;
  const bool reference_ok =
      !high && sodium_base642bin(reinterpret_cast<unsigned char*>(reference.data()),
                                 reference.size(), text.data(), text.size(), nullptr, &len, nullptr,
                                 sodium_base64_VARIANT_URLSAFE_NO_PADDING) == 0;
  reference.resize(reference_ok ? len : 0);
  std::string fast = "p";
  const bool fast_ok = licet::b64url_decode_public(text, fast);
  if (fast_ok != reference_ok) std::abort();
  if (fast != (fast_ok ? "p" + reference : "p")) std::abort();

  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string encoded(sodium_base64_ENCODED_LEN(size, kVariant), '\0');
  sodium_bin2base64(encoded.data(), encoded.size(), data, size, kVariant);
  encoded.pop_back();
  std::string fast_encoded;
  licet::b64url_encode_public(data, size, fast_encoded);
  if (fast_encoded != encoded) std::abort();
  std::string back;
  if (!licet::b64url_decode_public(fast_encoded, back) || back != text) std::abort();
  return 0;
}
