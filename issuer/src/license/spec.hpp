// What a new license is made of, before it has a key, a revision or a signature; with the field
// checks shared by `licet issue`, batch CSV rows and activation requests.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "licet/common/claims.hpp"
#include "licet/common/time.hpp"

namespace licet::issuer {

// One field's value is unusable; the message names the field and says why, without position
// (the CLI prefixes the option, the CSV reader the line and column).
class FieldError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LicenseSpec {
  std::string product;
  std::string customer;
  std::int64_t seats = 1;
  std::optional<UnixTime> expires;  // absent = perpetual
  std::vector<std::string> devices;
  std::vector<std::string> features;
  std::optional<UnixTime> maint;
  std::optional<SyncPolicy> sync;
  std::map<std::string, std::string> meta;
};

namespace field {

inline constexpr std::int64_t kMaxDays = 100 * 366;

std::string product(std::string_view text);
std::string customer(std::string_view text);
std::int64_t seats(std::string_view text);
// DATE: YYYY-MM-DD (midnight UTC) or RFC 3339.
UnixTime date(std::string_view text, std::string_view what);
// A positive whole number of days.
std::int64_t days(std::string_view text);
// Printable ASCII, no whitespace, ';' or ',', 1..256 bytes.
std::string device_id(std::string_view text);
std::string feature(std::string_view text);
std::string sync_url(std::string_view text);
std::int64_t sync_max_age(std::string_view text);
std::string meta_name(std::string_view text);
std::string meta_value(std::string_view text);
// "a;b;c" (empty items refused; an empty text is an empty list).
std::vector<std::string> list(std::string_view text);

}  // namespace field

// Cross-field rules: devices ≤ seats and distinct, expiry and maintenance in the future, sync URL
// and max age together. Throws FieldError.
void check_spec(const LicenseSpec& spec, UnixTime now);

}  // namespace licet::issuer
