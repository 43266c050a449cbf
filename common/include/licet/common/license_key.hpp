// License keys: PREFIX-XXXX-XXXX-XXXX-XXXX-C. Sixteen Crockford base32 characters carry 80
// random bits; C, also a Crockford symbol, makes a GF(32) weighted sum over all 17 vanish, so any
// single wrong character and any swap of two adjacent characters is caught before a lookup.
// (Crockford's own mod-37 check needs the symbols * ~ $ = U, which shells and forms mangle.)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "licet/common/error.hpp"

namespace licet::license_key {

inline constexpr std::size_t kRandomChars = 16;
inline constexpr std::size_t kMaxPrefix = 16;

// Prefix: 1..16 characters of A-Z and 0-9, starting with a letter.
bool valid_prefix(std::string_view prefix);
// A prefix from a product id: its letters and digits, uppercased, at most 12; "LIC" when empty.
std::string prefix_for_product(std::string_view product);

std::string generate(std::string_view prefix);

// Accepts what a customer types: any case, spaces, missing or extra hyphens in the random part,
// and the Crockford look-alikes (O for 0, I and L for 1). Returns the canonical form, or
// `malformed` with a message that says which part is wrong.
Result<std::string> normalize(std::string_view input);

// True when `key` is exactly the canonical form normalize() returns (checked without allocating;
// the claims check runs it on every verification).
bool is_canonical(std::string_view key);

// Canonical keys one typo away (one character changed, or two neighbours swapped) from an input
// whose check character fails. The caller filters them against what exists.
std::vector<std::string> typo_candidates(std::string_view input);

}  // namespace licet::license_key
