// This device's key: an Ed25519 key created in the state dir at the first activation (online or
// offline), sent as k4.public with it, and used afterwards to sign request tokens. Format:
// docs/FORMAT.md, "Device key".
#pragma once

#include <filesystem>

#include "licet/common/error.hpp"
#include "licet/common/key_types.hpp"

namespace licet::detail {

inline constexpr const char* kDeviceKeyFile = "device.key";

// The device key in state_dir, created (0600, atomically, never replacing one another process
// wrote meanwhile) when there is none yet.
Result<SecretKey> load_or_create_device_key(const std::filesystem::path& state_dir);

// The existing device key; not_activated when state_dir has none.
Result<SecretKey> load_device_key(const std::filesystem::path& state_dir);

}  // namespace licet::detail
