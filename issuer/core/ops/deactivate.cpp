// deactivate: a device gives its seat back, proving itself with a request token signed by its
// device key (knowing a license key and a device ID, both printed in every file, is not enough).
#include <fmt/core.h>

#include <algorithm>

#include "core/audit_log.hpp"
#include "core/checkpoint.hpp"
#include "core/guard.hpp"
#include "core/ops/activation.hpp"
#include "core/ops/common.hpp"
#include "core/ops/internal.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/request_token.hpp"
#include "licet/keys/paserk.hpp"

namespace licet::issuer::core {
namespace {

// Clock skew allowed between a device and the server for a request token's iat and exp.
constexpr std::int64_t kTokenTolerance = 60;
constexpr std::int64_t kCheckpointInterval = 1;

[[noreturn]] void invalid(std::string message) {
  throw Refused(Code::invalid_token, std::move(message));
}

}  // namespace

Outcome<DeactivationResult> deactivate(Session& s, const DeactivationRequest& req) {
  return guarded([&]() -> DeactivationResult {
    auto peeked = request_token::peek(req.request_token);
    if (!peeked) throw Refused(Code::bad_request, "request_token: " + peeked.error().message);
    const request_token::Claims claims = *peeked;
    if (claims.act != request_token::kDeactivate) {
      invalid("request_token: the token authorizes \"" + claims.act + "\", not \"deactivate\"");
    }
    if (std::find(req.audiences.begin(), req.audiences.end(), claims.aud) == req.audiences.end()) {
      invalid("request_token: made for " + claims.aud + ", not for this server");
    }
    const auto key = license_key::normalize(claims.lic);
    if (!key || *key != claims.lic) {
      throw Refused(Code::bad_request, "request_token: lic is not a canonical license key");
    }
    const UnixTime now = s.ledger.now();
    DeactivationResult out;
    {
      store::Tx tx(s.db, sql::TxMode::write);
      auto r = tx.license(*key);
      if (!r) throw Refused(Code::unknown_license, "no license with this key");
      const auto bound = tx.bound_device(r->id, claims.dev);
      if (!bound) throw Refused(Code::not_active, "this device holds no seat of this license");
      if (!bound->device_key) {
        throw Refused(Code::no_device_key,
                      "this device was registered by the vendor, without a device key; ask the "
                      "vendor to remove it");
      }
      const auto device_key = paserk::parse_public(*bound->device_key);
      if (!device_key) throw Refused(Code::integrity, "the ledger's device key is unreadable");
      const auto lifetime =
          req.offline ? request_token::kMaxOfflineLifetime : request_token::kMaxOnlineLifetime;
      auto verified =
          request_token::verify(req.request_token, *device_key, claims.aud,
                                request_token::kDeactivate, now, lifetime, kTokenTolerance);
      if (!verified) invalid("request_token: " + verified.error().message);
      // A replay is refused as one whatever else holds; when the cap refuses, the transaction
      // is rolled back and the token stays unused.
      if (!tx.remember_nonce(claims.jti, claims.exp + kTokenTolerance, now)) {
        invalid("request_token: this token was used before (a replay)");
      }
      check_transfer_cap(tx, *r, 1, false, std::nullopt, now);
      const std::string before = state_json({&*r, bound_ids(tx, r->id), {}});
      unbind(tx, *r, claims.dev, now,
             std::string(req.offline ? "deactivated offline" : "deactivated by the device"));
      const auto ids = bound_ids(tx, r->id);
      record(
          tx, s, Action::deactivate, r->key, before,
          state_json(
              {&*r, ids, {{"device", claims.dev}, {"via", req.offline ? "offline" : "online"}}}));
      out = DeactivationResult{r->key, claims.dev, r->seats, static_cast<std::int64_t>(ids.size())};
      tx.commit();
    }
    refresh_checkpoint(s, req.offline ? 0 : kCheckpointInterval);
    return out;
  });
}

}  // namespace licet::issuer::core
