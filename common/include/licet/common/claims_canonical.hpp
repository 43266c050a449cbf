// The fast path of claims_from_json: a reader for exactly the canonical JSON claims_to_json
// writes (fixed member order, no whitespace, strings of printable ASCII without escapes, plain
// non-negative integers). Licenses minted by licet are in this form, so a license check reads its
// claims without building a JSON document. Anything else — another order, an unknown member,
// an escape, non-ASCII, whitespace, a claim that fails validation — is "not handled" and goes
// to the strict RapidJSON reader, which stays the reference: whatever this reader accepts, the
// strict one accepts with the same Claims (tests/common/test_claims_canonical.cpp,
// tests/fuzz/fuzz_claims.cpp). docs/FORMAT.md, "Claims JSON".
#pragma once

#include <optional>
#include <string_view>

#include "licet/common/claims.hpp"

namespace licet::detail {

// The claims of a canonical, valid payload; nullopt when the payload is anything else (which
// says nothing about its validity).
std::optional<Claims> read_canonical_claims(std::string_view json);

// The strict reader alone (RapidJSON, every rule, the precise messages).
Result<Claims> read_claims_strict(std::string_view json);

}  // namespace licet::detail
