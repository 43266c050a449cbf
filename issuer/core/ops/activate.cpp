// activate: a device takes a seat (or asks again for its file). The license's kind decides what
// an activation may do; the product is checked before anything is bound.
#include <fmt/core.h>

#include "core/audit_log.hpp"
#include "core/checkpoint.hpp"
#include "core/fields.hpp"
#include "core/guard.hpp"
#include "core/ops/activation.hpp"
#include "core/ops/common.hpp"
#include "licet/keys/paserk.hpp"

namespace licet::issuer::core {
namespace {

// The server writes a checkpoint at most this often (activations are frequent).
constexpr std::int64_t kCheckpointInterval = 1;

struct Checked {
  std::string key;
  std::string device;
  std::optional<std::string> device_key, product, app, name, hostname, os;
};

Checked check_request(const ActivationRequest& req) {
  Checked c;
  // Online, a malformed key is refused before any lookup; offline, the vendor's own CLI looks
  // it up and suggests the key a typo came from (find()).
  if (req.via == ActivationRequest::Via::online) c.key = field::license_key_syntax(req.license_key);
  c.device = field::device_id(req.device_id);
  if (req.device_key) {
    if (!paserk::parse_public(*req.device_key)) {
      throw Refused(Code::bad_request, "device_key is not a k4.public key");
    }
    c.device_key = *req.device_key;
  }
  if (req.product) c.product = field::product(*req.product);
  if (req.app) c.app = field::label(*req.app, "app", 256);
  if (req.device_name) c.name = field::label(*req.device_name, "device name");
  if (req.hostname) c.hostname = field::label(*req.hostname, "hostname");
  if (req.os) c.os = field::label(*req.os, "os");
  return c;
}

// Online, an unknown key says nothing about its neighbours (that would help a guesser); the
// vendor's own CLI suggests the likely typo.
store::LicenseRecord find(store::Tx& tx, const ActivationRequest& req, const Checked& c) {
  if (req.via == ActivationRequest::Via::offline) return require_license(tx, req.license_key);
  auto r = tx.license(c.key);
  if (!r) throw Refused(Code::unknown_license, "no license with this key");
  return *r;
}

void check_terms(const store::LicenseRecord& r, const Checked& c, UnixTime now) {
  if (c.product && *c.product != r.product) {
    throw Refused(Code::wrong_product,
                  fmt::format("this license is for product '{}', not '{}'", r.product, *c.product));
  }
  if (r.status == "revoked") throw Refused(Code::revoked, "the license " + r.key + " is revoked");
  if (r.expires_at && *r.expires_at <= now) {
    throw Refused(Code::expired,
                  "the license " + r.key + " expired on " + format_rfc3339(*r.expires_at));
  }
}

// The device's newest machine file when it is still what an activation would hand out now.
std::optional<store::TokenRecord> current_machine_file(store::Tx& tx, const store::LicenseRecord& r,
                                                       const std::string& device,
                                                       const std::string& active_pid) {
  auto t = tx.latest_token(r.id, device);
  if (!t || t->revision != r.revision || t->kid != active_pid || t->kind != "machine") {
    return std::nullopt;
  }
  return t;
}

std::string active_pid(store::Tx& tx) {
  for (const auto& k : tx.signing_keys()) {
    if (k.state == "active") return k.pid;
  }
  return {};
}

void check_device_key(const store::DeviceRecord& bound, const Checked& c) {
  if (bound.device_key && c.device_key && *bound.device_key != *c.device_key) {
    throw Refused(Code::device_key_mismatch,
                  "this device is activated with another device key; deactivate it from the "
                  "original installation, or ask the vendor to remove it");
  }
}

ActivationResult result(const char* status, const store::LicenseRecord& r, const Checked& c,
                        Minted file, std::int64_t bound) {
  return ActivationResult{status, r.key, c.device, std::move(file), r.seats, bound};
}

// The common repeat (an app re-activating at start-up): a bound device whose current machine
// file is still what an activation would hand out, answered from a read snapshot without the
// write lock. nullopt: the write transaction decides.
std::optional<ActivationResult> repeat(store::Tx& tx, const store::LicenseRecord& r,
                                       const Checked& c) {
  if (kind_of(r) != Kind::activation) return std::nullopt;
  const auto bound = tx.bound_device(r.id, c.device);
  if (!bound) return std::nullopt;
  check_device_key(*bound, c);
  const auto t = current_machine_file(tx, r, c.device, active_pid(tx));
  if (!t) return std::nullopt;
  return result("already_active", r, c, from_token(*t), tx.bound_count(r.id));
}

}  // namespace

Outcome<ActivationResult> activate(Session& s, const ActivationRequest& req) {
  return guarded([&]() -> ActivationResult {
    const Checked c = check_request(req);
    const UnixTime now = s.ledger.now();
    {
      store::Tx tx(s.db, sql::TxMode::read);
      const auto r = find(tx, req, c);
      check_terms(r, c, now);
      if (auto quick = repeat(tx, r, c)) return std::move(*quick);
    }
    preload_signing_key(s);
    ActivationResult out;
    {
      store::Tx tx(s.db, sql::TxMode::write);
      auto r = find(tx, req, c);
      check_terms(r, c, now);
      const Kind kind = kind_of(r);
      if (kind == Kind::floating) {
        throw Refused(Code::not_activatable,
                      r.key + " is a floating license: check out a lease instead of activating");
      }
      if (kind == Kind::unlocked) {
        // Valid on any machine: the file is handed out, nothing is bound.
        const auto t = tx.latest_token(r.id, std::nullopt);
        if (!t) throw Refused(Code::integrity, r.key + " has no license file in the ledger");
        return result("activated", r, c, from_token(*t), 0);
      }
      const auto bound = tx.bound_device(r.id, c.device);
      if (kind == Kind::node_locked) {
        if (!bound) {
          throw Refused(Code::not_activatable,
                        r.key +
                            " is node-locked to the devices the vendor named; ask the vendor "
                            "to add this one");
        }
        const auto t = tx.latest_token(r.id, std::nullopt);
        if (!t) throw Refused(Code::integrity, r.key + " has no license file in the ledger");
        return result("already_active", r, c, from_token(*t), tx.bound_count(r.id));
      }
      if (bound) {
        check_device_key(*bound, c);
        if (auto t = current_machine_file(tx, r, c.device, s.ledger.keys().active(tx).pid)) {
          return result("already_active", r, c, from_token(*t), tx.bound_count(r.id));
        }
        // Newer terms or a new signing key since this device's file: a fresh file, same seat.
        Minted file = mint_machine_file(s, tx, r, c.device);
        const auto ids = bound_ids(tx, r.id);
        record(tx, s, Action::reissue, r.key, std::nullopt,
               state_json({&r, ids, {{"device", c.device}, {"reason", "re-activation"}}}));
        out =
            result("already_active", r, c, std::move(file), static_cast<std::int64_t>(ids.size()));
        tx.commit();
        refresh_checkpoint(s, kCheckpointInterval);
        return out;
      }
      const auto devices = tx.devices(r.id, false);
      if (static_cast<std::int64_t>(devices.size()) >= r.seats) {
        std::vector<std::string> ids;
        for (const auto& d : devices) ids.push_back(d.device_id);
        std::string message = fmt::format("all {} seats of {} are taken", r.seats, r.key);
        if (req.via == ActivationRequest::Via::offline) {
          std::string list;
          for (const auto& d : devices) {
            list += (list.empty() ? "" : ", ") + d.device_id + (d.name ? " (" + *d.name + ")" : "");
          }
          message += " by: " + list;
        } else {
          message += "; deactivate a device first";
        }
        throw Refused(
            Code::seats_full, message,
            req.via == ActivationRequest::Via::offline ? ids : std::vector<std::string>{});
      }
      if (c.app && *c.app != r.product && !tx.app_known(r.product, *c.app)) {
        if (req.via == ActivationRequest::Via::offline && !req.accept_new_app) {
          throw Refused(Code::needs_confirmation,
                        fmt::format("the request was made for app id '{}', which no device of "
                                    "product '{}' has used before: a typo binds a device ID the "
                                    "app never presents. If '{}' is right, repeat with --new-app",
                                    *c.app, r.product, *c.app));
        }
      }
      const std::string before = state_json({&r, bound_ids(tx, r.id), {}});
      store::DeviceRecord d;
      d.license_id = r.id;
      d.device_id = c.device;
      d.name = c.name;
      d.hostname = c.hostname;
      d.os = c.os;
      d.app = c.app;
      d.device_key = c.device_key;
      d.bound_at = now;
      tx.insert_device(d);
      if (c.app) tx.remember_app(r.product, *c.app, now);
      Minted file = mint_machine_file(s, tx, r, c.device);
      const auto ids = bound_ids(tx, r.id);
      std::map<std::string, std::string> details{
          {"device", c.device},
          {"via", req.via == ActivationRequest::Via::online ? "online" : "offline"}};
      if (c.app) details["app"] = *c.app;
      record(tx, s, Action::activate, r.key, before, state_json({&r, ids, details}));
      out = result("activated", r, c, std::move(file), static_cast<std::int64_t>(ids.size()));
      tx.commit();
    }
    refresh_checkpoint(s, kCheckpointInterval);
    return out;
  });
}

}  // namespace licet::issuer::core
