// Internal: how a device ID is derived and validated (format: docs/FORMAT.md, "Device ID").
// Exposed to the tests so they can build fake machines under a temporary root.
#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "licet/common/error.hpp"

namespace licet::device {

inline constexpr std::string_view kPrefix = "ld1.";
inline constexpr std::size_t kComponentCount = 3;
inline constexpr std::size_t kComponentHashBytes = 12;  // 16 base64url characters
inline constexpr std::size_t kMaxIdBytes = 128;
inline constexpr std::string_view kEnvVar = "LICET_DEVICE_ID";

// Raw hardware values in a fixed order: [0] OS install id (machine-id, MachineGuid,
// IOPlatformUUID), [1] system disk (root filesystem UUID, volume serial, hardware serial),
// [2] primary MAC address. nullopt = this machine does not have it.
using RawComponents = std::array<std::optional<std::string>, kComponentCount>;

// Linux: reads everything below `root` ("/" for the real machine), so tests can use a fake tree.
RawComponents device_components(const std::filesystem::path& root);

// This machine's raw values on the platform the library was built for.
RawComponents platform_components();

// "ld1.<c0>.<c1>.<c2>" with each present component keyed by app_id; io_error when none is present.
Result<std::string> make_device_id(const RawComponents& raw, std::string_view app_id);

// Any device ID an app or LICET_DEVICE_ID may present: 1..128 bytes of printable ASCII without
// space, ';', ',' or '"'. Returns a one-line reason, or an empty string when valid.
std::string invalid_device_id_reason(std::string_view id);

// A parsed licet ID: components as their encoded text, empty when missing ("-").
// nullopt when `id` is not exactly a licet ID (then it is an opaque app ID).
std::optional<std::array<std::string_view, kComponentCount>> parse_licet_id(std::string_view id);

}  // namespace licet::device
