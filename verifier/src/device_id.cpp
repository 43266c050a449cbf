#include "device_id.hpp"

#include <sodium.h>

#include <cstdlib>

#include "licet/common/base64.hpp"
#include "licet/common/device_id_rule.hpp"
#include "licet/common/sodium_init.hpp"
#include "licet/verifier.hpp"

namespace licet {
namespace device {
namespace {

constexpr std::string_view kKeyContext = "licet-device-id-v1";
// Domain-separates the three slots: equal raw strings in two slots never give equal components.
constexpr std::array<std::string_view, kComponentCount> kLabels = {"os", "disk", "mac"};

using AppKey = std::array<unsigned char, crypto_generichash_KEYBYTES>;

AppKey app_key(std::string_view app_id) {
  AppKey key{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, key.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(kKeyContext.data()),
                            kKeyContext.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(app_id.data()),
                            app_id.size());
  crypto_generichash_final(&st, key.data(), key.size());
  return key;
}

std::string component(const AppKey& key, std::string_view label, std::string_view raw) {
  std::array<unsigned char, crypto_generichash_BYTES_MIN> out{};
  crypto_generichash_state st;
  crypto_generichash_init(&st, key.data(), key.size(), out.size());
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(label.data()),
                            label.size());
  const unsigned char zero = 0;
  crypto_generichash_update(&st, &zero, 1);
  crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  crypto_generichash_final(&st, out.data(), out.size());
  static_assert(kComponentHashBytes <= crypto_generichash_BYTES_MIN);
  return b64url_encode(out.data(), kComponentHashBytes);
}

bool b64url_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

Result<std::string> make_device_id(const RawComponents& raw, std::string_view app_id) {
  ensure_sodium();
  const AppKey key = app_key(app_id);
  std::string id(kPrefix);
  bool any = false;
  for (std::size_t i = 0; i < kComponentCount; ++i) {
    if (i > 0) id += '.';
    if (raw[i] && !raw[i]->empty()) {
      id += component(key, kLabels[i], *raw[i]);
      any = true;
    } else {
      id += '-';
    }
  }
  if (!any) {
    return make_error(ErrorCode::io_error,
                      "this machine has no stable hardware identifiers (a container?); pass "
                      "the app's own device ID, or set LICET_DEVICE_ID in an app that allows it");
  }
  return id;
}

std::string invalid_device_id_reason(std::string_view id) {
  return device_id_rule::invalid_reason(id);
}

std::optional<std::array<std::string_view, kComponentCount>> parse_licet_id(std::string_view id) {
  if (id.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  id.remove_prefix(kPrefix.size());
  std::array<std::string_view, kComponentCount> parts{};
  std::size_t present = 0;
  for (std::size_t i = 0; i < kComponentCount; ++i) {
    const auto dot = id.find('.');
    const bool last = i + 1 == kComponentCount;
    if (last != (dot == std::string_view::npos)) return std::nullopt;
    const std::string_view part = id.substr(0, dot);
    id = last ? std::string_view{} : id.substr(dot + 1);
    if (part == "-") continue;
    if (part.size() != 16) return std::nullopt;
    for (char c : part) {
      if (!b64url_char(c)) return std::nullopt;
    }
    // 12 bytes encode to exactly 16 characters with no leftover bits, so any 16 characters of
    // the alphabet are canonical.
    parts[i] = part;
    ++present;
  }
  if (present == 0) return std::nullopt;
  return parts;
}

}  // namespace device

Result<std::string> device_id(std::string_view app_id, bool allow_override) {
  try {
    const char* env = allow_override ? std::getenv(device::kEnvVar.data()) : nullptr;
    if (env != nullptr && *env != '\0') {
      std::string id(env);
      if (auto why = device::invalid_device_id_reason(id); !why.empty()) {
        return make_error(ErrorCode::io_error, "LICET_DEVICE_ID is invalid: " + why);
      }
      return id;
    }
    return device::make_device_id(device::platform_components(), app_id);
  } catch (const std::exception& e) {
    return make_error(ErrorCode::io_error,
                      std::string("cannot compute the device ID: ") + e.what());
  }
}

bool device_matches(std::string_view bound, std::string_view presented) {
  const auto b = device::parse_licet_id(bound);
  const auto p = device::parse_licet_id(presented);
  if (!b || !p) return bound == presented;
  std::size_t bound_present = 0;
  std::size_t equal = 0;
  for (std::size_t i = 0; i < device::kComponentCount; ++i) {
    if ((*b)[i].empty()) continue;
    ++bound_present;
    if ((*b)[i] == (*p)[i]) ++equal;
  }
  // 2 of 3; an ID recorded with fewer components needs all of the ones it has (at most 2).
  return equal >= std::min<std::size_t>(2, bound_present);
}

}  // namespace licet
