// Pieces the license operations share inside issuer/core (not a door's API).
#pragma once

#include <optional>
#include <string>

#include "core/fields.hpp"
#include "store/records.hpp"
#include "store/tx.hpp"

namespace licet::issuer::core {

// Refused transfer_cap when removing `removing` more devices would exceed the cap in its window,
// unless forced (which needs a reason).
void check_transfer_cap(store::Tx& tx, const store::LicenseRecord& r, std::int64_t removing,
                        bool force, const std::optional<std::string>& reason, UnixTime now);

// Unbinds a device and revokes its machine files and leases.
void unbind(store::Tx& tx, const store::LicenseRecord& r, const std::string& device, UnixTime now,
            const std::optional<std::string>& reason);

store::LicenseRecord record_from_spec(const LicenseSpec& spec, UnixTime now);

}  // namespace licet::issuer::core
