// The ledger side of the admin API: reads as JSON documents, and the changes support staff make
// (seats, revoke, reinstate), each in one transaction with its audit entry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "keystore.hpp"
#include "ledger/db.hpp"
#include "license/mint.hpp"

namespace licet::issuer::admin {

struct ListFilter {
  std::optional<std::string> product;
  std::optional<std::string> customer;
  std::optional<std::string> status;  // active | revoked | expired
  std::int64_t limit = 100;
  std::int64_t offset = 0;
};

// {"licenses":[…],"count":N}
std::string list_json(Db& db, const ListFilter& filter, UnixTime now);
// The license with its bound devices; nullopt when unknown.
std::optional<std::string> show_json(Db& db, const std::string& license_key, UnixTime now);
std::string stats_json(Db& db, UnixTime now);

struct SeatTotals {
  std::int64_t licenses = 0;
  std::int64_t seats = 0;  // of active, unexpired licenses
  std::int64_t bound = 0;  // devices bound to them
};
SeatTotals seat_totals(Db& db, UnixTime now);

enum class Change { done, unchanged, unknown_license, seats_in_use, expired };

struct ChangeResult {
  Change change = Change::unknown_license;
  std::int64_t revision = 0;
  std::int64_t bound = 0;
};

// New seat count and a new revision; refuses fewer seats than devices bound (seats_in_use).
ChangeResult set_seats(Db& db, const ActiveKey& key, const std::string& license_key,
                       std::int64_t seats, const std::string& actor, UnixTime now);
ChangeResult revoke(Db& db, const std::string& license_key,
                    const std::optional<std::string>& reason, const std::string& actor,
                    UnixTime now);
ChangeResult reinstate(Db& db, const std::string& license_key, const std::string& actor,
                       UnixTime now);

}  // namespace licet::issuer::admin
