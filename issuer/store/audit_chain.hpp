// The audit trail's hash chain (docs/FORMAT.md "Audit trail"): each entry's hash covers its fields
// and the previous entry's hash, so an edited, deleted or reordered row breaks the chain there.
#pragma once

#include <string>

#include "store/records.hpp"

namespace licet::issuer::store {

// BLAKE2b-256 over PAE("licet-audit-v1", id, at, actor, action, license_key, before, after, prev).
AuditHash audit_hash(const AuditRecord& e);

std::string to_hex(const AuditHash& h);

// "<id>:<hex hash>", the value of the settings row `audit_head`.
std::string head_value(std::int64_t id, const AuditHash& h);
AuditHead parse_head(const std::string& value);

}  // namespace licet::issuer::store
