// Every value that enters a license, checked once for every door (CLI options, CSV cells, HTTP
// bodies, activation requests): valid UTF-8, no control characters, within the claim limits, so
// that nothing is recorded that cannot go into a token. Failures are Refused(bad_request) naming
// the field; doors add where it came from (option, line:column, JSON member).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model.hpp"
#include "licet/common/claims.hpp"
#include "licet/common/time.hpp"

namespace licet::issuer::core {

// What a new license is made of, before it has a key, a revision or a signature.
struct LicenseSpec {
  std::string product;
  std::string customer;
  std::int64_t seats = 1;
  Kind kind = Kind::activation;
  std::optional<UnixTime> expires;  // absent = perpetual
  std::vector<std::string> devices;
  std::vector<std::string> features;
  std::optional<UnixTime> maint;
  std::optional<SyncPolicy> sync;
  std::map<std::string, std::string> meta;
  std::optional<std::int64_t> lease_seconds;       // floating
  std::optional<std::int64_t> borrow_max_seconds;  // floating
};

namespace field {

inline constexpr std::int64_t kMaxDays = 100 * 366;

std::string product(std::string_view text);
std::string customer(std::string_view text);
std::int64_t seats(std::string_view text);
// DATE: YYYY-MM-DD (midnight UTC) or RFC 3339.
UnixTime date(std::string_view text, std::string_view what);
std::int64_t days(std::string_view text);
// DUR: seconds, or a number with s, m, h or d; at least `min_seconds`.
std::int64_t duration(std::string_view text, std::string_view what, std::int64_t min_seconds = 0);
std::string device_id(std::string_view text);
std::string feature(std::string_view text);
std::string sync_url(std::string_view text);
std::string meta_name(std::string_view text);
std::string meta_value(std::string_view text);
// Short free text shown to people (device names, hostnames, reasons): UTF-8, no controls.
std::string label(std::string_view text, std::string_view what, std::size_t max_bytes = 256);
// "a;b;c" (empty items refused; an empty text is an empty list).
std::vector<std::string> list(std::string_view text);
// A license key as a person typed it, in canonical form (refusal suggests nothing: lookups do).
std::string license_key_syntax(std::string_view text);

}  // namespace field

// Cross-field rules: the kind's rules (node-locked needs devices, others take none; floating
// needs a lease), devices ≤ seats and distinct, expiry in the future, limits of the claims.
void check_spec(const LicenseSpec& spec, UnixTime now);

}  // namespace licet::issuer::core
