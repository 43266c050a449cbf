#include "core/ops/queries.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "core/guard.hpp"
#include "core/ops/common.hpp"
#include "licet/common/paseto.hpp"

namespace licet::issuer::core {
namespace {

std::string token_state(const store::LicenseRecord& r, const store::TokenRecord& t,
                        const std::optional<std::string>& newest_for_device) {
  if (t.revoked_at) return "revoked";
  if (t.revision < r.superseded_below) return "superseded";
  if (t.kind == "license") return t.revision == r.revision ? "current" : "valid";
  return newest_for_device && *newest_for_device == t.jti ? "current" : "valid";
}

void add(Counts& c, const store::LicenseRecord& r, std::int64_t bound, Status st) {
  ++c.licenses;
  switch (st) {
    case Status::active:
      ++c.active;
      c.seats += r.seats;
      c.bound += std::min(bound, r.seats);
      break;
    case Status::expired:
      ++c.expired;
      break;
    case Status::revoked:
      ++c.revoked;
      break;
  }
}

}  // namespace

Outcome<LicenseDetailDoc> show(Session& s, const std::string& typed_key) {
  return guarded([&] {
    store::Tx tx(s.db, sql::TxMode::read);
    const auto r = require_license(tx, typed_key);
    LicenseDetailDoc d;
    d.license = license_doc(tx, r, s.ledger.now());
    for (auto& dev : tx.devices(r.id, true)) d.devices.push_back(DeviceDoc{std::move(dev)});
    const auto tokens = tx.tokens(r.id);
    std::map<std::string, std::string> newest;  // device → jti of its newest unrevoked token
    for (const auto& t : tokens) {
      if (t.device_id && !t.revoked_at) newest[*t.device_id] = t.jti;
    }
    for (const auto& t : tokens) {
      std::optional<std::string> n;
      if (t.device_id) {
        if (auto it = newest.find(*t.device_id); it != newest.end()) n = it->second;
      }
      d.revisions.push_back(TokenDoc{t, token_state(r, t, n)});
      if (t.kind == "license" && t.revision == r.revision) {
        if (auto parsed = paseto::parse(t.token)) d.claims = parsed->payload;
      }
    }
    store::AuditQuery q;
    q.license_key = r.key;
    for (auto& e : tx.audit(q)) d.events.push_back(AuditDoc{std::move(e)});
    return d;
  });
}

Outcome<LicenseListDoc> list(Session& s, const ListRequest& req) {
  return guarded([&] {
    const UnixTime now = s.ledger.now();
    store::LicenseQuery q;
    q.key_prefix = req.key_prefix;
    // Keys are stored in canonical (upper) case; a prefix is forgiven its case as a key is.
    if (q.key_prefix) {
      for (char& c : *q.key_prefix)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    q.product = req.product;
    q.customer_contains = req.customer;
    q.meta_contains = req.meta;
    if (req.kind) q.kind = std::string(to_string(*req.kind));
    q.signed_by = req.signed_by;
    if (req.status) restrict_to(q, *req.status, now);
    if (req.expiring_within) {
      if (req.status && *req.status != Status::active) {
        throw Refused(Code::bad_request, "--expiring-within lists active licenses only");
      }
      restrict_to(q, Status::active, now);
      q.perpetual_ok = false;
      q.expires_by = now + *req.expiring_within * 86400;
    }
    if (req.cursor) {
      std::int64_t after = 0;
      const auto& c = *req.cursor;
      const auto [p, ec] = std::from_chars(c.data(), c.data() + c.size(), after);
      if (c.empty() || ec != std::errc() || p != c.data() + c.size() || after < 0) {
        throw Refused(Code::bad_request, "cursor: not a cursor this server returned");
      }
      q.after_id = after;
    }
    if (req.limit < 0 || req.limit > 1000000) throw Refused(Code::bad_request, "limit: 0..1000000");
    q.limit = req.limit > 0 ? req.limit + 1 : 0;  // one more tells whether a next page exists
    store::Tx tx(s.db, sql::TxMode::read);
    auto items = tx.licenses(q);
    LicenseListDoc out;
    if (req.limit > 0 && static_cast<std::int64_t>(items.size()) > req.limit) {
      items.resize(static_cast<std::size_t>(req.limit));
      out.next = std::to_string(items.back().license.id);
    }
    for (auto& item : items) {
      const Status st = status_of(item.license, now);
      out.licenses.push_back(LicenseDoc{std::move(item.license), item.bound, st});
    }
    out.total = tx.count_licenses(q);
    return out;
  });
}

Outcome<StatsDoc> stats(Session& s, std::int64_t top) {
  return guarded([&] {
    const UnixTime now = s.ledger.now();
    store::Tx tx(s.db, sql::TxMode::read);
    StatsDoc out;
    std::vector<LicenseDoc> active;
    for (auto& item : tx.licenses({})) {
      const Status st = status_of(item.license, now);
      add(out.total, item.license, item.bound, st);
      add(out.products[item.license.product], item.license, item.bound, st);
      if (st == Status::active)
        active.push_back(LicenseDoc{std::move(item.license), item.bound, st});
    }
    // Fullest first; ties by more bound seats, then by key for a stable order.
    std::sort(active.begin(), active.end(), [](const LicenseDoc& a, const LicenseDoc& b) {
      const auto lhs = a.bound * b.r.seats, rhs = b.bound * a.r.seats;
      if (lhs != rhs) return lhs > rhs;
      if (a.bound != b.bound) return a.bound > b.bound;
      return a.r.key < b.r.key;
    });
    if (top >= 0 && active.size() > static_cast<std::size_t>(top)) {
      active.resize(static_cast<std::size_t>(top));
    }
    out.fullest = std::move(active);
    return out;
  });
}

}  // namespace licet::issuer::core
