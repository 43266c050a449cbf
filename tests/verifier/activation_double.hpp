// A stand-in for `licet serve`'s /v1/activate and /v1/deactivate, written from the protocol in
// docs/FORMAT.md and the DESIGN ("Activation server"), for the client's tests while the real
// server is being rewritten: an in-memory ledger of licenses, strict request parsing, machine
// files signed by a test vendor key, request tokens verified with the bound device key (the same
// common/ code the server uses), jti replay refused. It is a test double: the end-to-end tests
// against the real `licet serve` are the reference once it speaks this protocol.
#pragma once

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "capi_testkit.hpp"
#include "http_test_server.hpp"
#include "licet/common/json.hpp"
#include "licet/common/license_key.hpp"
#include "licet/common/request_token.hpp"
#include "licet/common/time.hpp"
#include "licet/keys/paserk.hpp"

namespace licet::test {

class ActivationDouble {
 public:
  struct License {
    std::string product;
    std::int64_t seats = 1;
    std::string status = "active";  // active | revoked | expired
    bool node_locked = false;       // bound by the vendor: takes no new devices
    int transfer_cap = 3;           // deactivations allowed
    int removals = 0;
    std::int64_t revision = 1;
    std::map<std::string, std::string> devices;  // device ID -> k4.public device key
  };
  // An answer forced on the next request, instead of the ledger's (rate limits, outages).
  struct Forced {
    int status = 500;
    std::string body;  // sent as is
    std::string retry_after;
  };

  explicit ActivationDouble(const testkit::Vendor& vendor) : vendor_(vendor) {
    server_.routes().Post("/v1/activate", [this](const httplib::Request& q, httplib::Response& a) {
      handle(q, a, &ActivationDouble::activate);
    });
    server_.routes().Post("/v1/deactivate",
                          [this](const httplib::Request& q, httplib::Response& a) {
                            handle(q, a, &ActivationDouble::deactivate);
                          });
    server_.start();
  }

  std::string url() const { return server_.origin(); }
  int port() const { return server_.port(); }
  void stop() { server_.stop(); }

  // A new license in the ledger; returns its key.
  std::string add(const std::string& product, std::int64_t seats = 1) {
    std::lock_guard lock(mutex_);
    const std::string key = license_key::generate("MOSTAGARE");
    licenses_[key].product = product;
    licenses_[key].seats = seats;
    return key;
  }
  License& license(const std::string& key) { return licenses_.at(key); }
  // The origin request tokens must name (the server's own, unless a test changes it).
  void expect_audience(std::string origin) { audience_ = std::move(origin); }
  void force_next(Forced f) { forced_ = std::move(f); }
  // The license files it signs: by the vendor, or by another key (a vendor key the app lacks).
  void sign_with(const testkit::Vendor* other) { signer_ = other; }

  std::size_t requests() const { return requests_; }
  const std::string& last_body() const { return last_body_; }

 private:
  using Handler = void (ActivationDouble::*)(const rapidjson::Document&, httplib::Response&);

  static void answer(httplib::Response& a, int status, const std::string& json) {
    a.status = status;
    a.set_content(json, "application/json");
  }
  static void error(httplib::Response& a, int status, const std::string& code,
                    const std::string& message) {
    answer(a, status, "{\"error\":\"" + code + "\",\"message\":\"" + message + "\"}");
  }
  static std::string text(const rapidjson::Document& d, const char* name) {
    const auto it = d.FindMember(name);
    return it != d.MemberEnd() && it->value.IsString() ? it->value.GetString() : "";
  }

  void handle(const httplib::Request& q, httplib::Response& a, Handler h) {
    std::lock_guard lock(mutex_);
    ++requests_;
    last_body_ = q.body;
    if (forced_) {
      a.status = forced_->status;
      if (!forced_->retry_after.empty()) a.set_header("Retry-After", forced_->retry_after);
      a.set_content(forced_->body, "application/json");
      forced_.reset();
      return;
    }
    if (q.get_header_value("Content-Type") != "application/json") {
      return error(a, 415, "bad_request", "the body must be application/json");
    }
    auto doc = json::parse_object(q.body, {64 * 1024, 2});
    if (!doc) return error(a, 400, "bad_request", "the body is not a JSON object");
    (this->*h)(*doc, a);
  }

  std::string machine_file(const std::string& key, const License& l, const std::string& device) {
    Claims c = testkit::base_claims(l.product, system_now());
    c.lic = key;
    c.rev = l.revision;
    c.seats = l.seats;
    c.jti = key + "-" + device;
    c.devices = std::vector<std::string>{device};
    return (signer_ != nullptr ? *signer_ : vendor_).license_file(c);
  }

  void activate(const rapidjson::Document& d, httplib::Response& a) {
    static const std::set<std::string> kKnown = {"license_key", "device_id", "device_key",
                                                 "product",     "app",       "device_name",
                                                 "hostname",    "os"};
    for (auto it = d.MemberBegin(); it != d.MemberEnd(); ++it) {
      if (kKnown.count(it->name.GetString()) == 0 || !it->value.IsString()) {
        return error(a, 400, "bad_request",
                     std::string("unexpected member ") + it->name.GetString());
      }
    }
    const std::string key = text(d, "license_key"), device = text(d, "device_id"),
                      device_key = text(d, "device_key"), product = text(d, "product");
    if (key.empty() || device.empty() || product.empty() || !paserk::parse_public(device_key)) {
      return error(a, 400, "bad_request", "license_key, device_id, device_key, product needed");
    }
    const auto found = licenses_.find(key);
    if (found == licenses_.end()) return error(a, 404, "unknown_license", "no such license");
    License& l = found->second;
    if (l.status != "active") return error(a, 403, l.status, "the license is " + l.status);
    if (product != l.product) {
      return error(a, 409, "wrong_product", "the license is for product " + l.product);
    }
    if (const auto bound = l.devices.find(device); bound != l.devices.end()) {
      if (bound->second != device_key) {
        return error(a, 409, "device_key_mismatch", "bound with another device key");
      }
      return answer(a, 200, reply("already_active", key, l, device));
    }
    if (l.node_locked) return error(a, 409, "not_activatable", "node-locked by the vendor");
    if (static_cast<std::int64_t>(l.devices.size()) >= l.seats) {
      return error(a, 409, "seats_full", "all seats are taken");
    }
    l.devices[device] = device_key;
    answer(a, 200, reply("activated", key, l, device));
  }

  std::string reply(const char* status, const std::string& key, const License& l,
                    const std::string& device) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("status");
    w.String(status);
    w.Key("license");
    const std::string file = machine_file(key, l, device);
    w.String(file.c_str());
    w.Key("revision");
    w.Int64(l.revision);
    w.Key("seats");
    w.Int64(l.seats);
    w.Key("bound");
    w.Int64(static_cast<std::int64_t>(l.devices.size()));
    w.EndObject();
    return buf.GetString();
  }

  void deactivate(const rapidjson::Document& d, httplib::Response& a) {
    if (d.MemberCount() != 1) return error(a, 400, "bad_request", "only request_token");
    const std::string token = text(d, "request_token");
    auto peeked = request_token::peek(token);
    if (!peeked) return error(a, 400, "bad_request", peeked.error().message);
    const auto found = licenses_.find(peeked->lic);
    if (found == licenses_.end()) return error(a, 404, "unknown_license", "no such license");
    License& l = found->second;
    const auto bound = l.devices.find(peeked->dev);
    if (bound == l.devices.end()) return error(a, 409, "not_active", "the device holds no seat");
    const auto key = paserk::parse_public(bound->second);
    auto verified = request_token::verify(token, *key, audience_.empty() ? url() : audience_,
                                          request_token::kDeactivate, system_now(),
                                          request_token::kMaxOnlineLifetime);
    if (!verified) return error(a, 401, "invalid_token", verified.error().message);
    if (!jtis_.insert(verified->jti).second) {
      return error(a, 401, "invalid_token", "this request token was used before");
    }
    if (l.removals >= l.transfer_cap) {
      return error(a, 409, "transfer_cap", "the transfer cap of this license is reached");
    }
    ++l.removals;
    l.devices.erase(bound);
    answer(a, 200,
           "{\"status\":\"deactivated\",\"seats\":" + std::to_string(l.seats) +
               ",\"bound\":" + std::to_string(l.devices.size()) + "}");
  }

  const testkit::Vendor& vendor_;
  const testkit::Vendor* signer_ = nullptr;
  std::mutex mutex_;
  std::map<std::string, License> licenses_;
  std::set<std::string> jtis_;
  std::string audience_;
  std::optional<Forced> forced_;
  std::size_t requests_ = 0;
  std::string last_body_;
  HttpTestServer server_;  // last: stopped first, before the ledger it serves goes away
};

}  // namespace licet::test
