// What devices call: POST /v1/activate and POST /v1/deactivate (docs/OPERATIONS.md "API").
#include <fmt/core.h>

#include "core/fields.hpp"
#include "core/ops/activation.hpp"
#include "server/server_impl.hpp"

namespace licet::issuer::server {
namespace {

constexpr std::size_t kMaxKeyLen = 128;
constexpr std::size_t kMaxInfoLen = 256;

}  // namespace

void Server::Impl::device_routes() {
  auto refuse_if_limited = [this](const std::string& client, httplib::Response& res) {
    if (const auto wait = limiter.retry_after(client); wait > 0) {
      res.set_header("Retry-After", std::to_string(wait));
      throw HttpError{429, "rate_limited",
                      fmt::format("too many unknown or malformed license keys from this address; "
                                  "retry in {} s",
                                  wait)};
    }
  };

  http->Post("/v1/activate", wrap("activate", [this, refuse_if_limited](const httplib::Request& req,
                                                                        httplib::Response& res) {
               const std::string client = client_of(req);
               refuse_if_limited(client, res);
               const auto doc =
                   parse_body(req, {"license_key", "device_id", "device_key", "product", "app",
                                    "device_name", "hostname", "os"});
               core::ActivationRequest a;
               a.via = core::ActivationRequest::Via::online;
               a.license_key = req_string(doc, "license_key", kMaxKeyLen);
               try {
                 (void)core::field::license_key_syntax(a.license_key);
               } catch (const core::Refused& e) {
                 limiter.charge(client);  // key guessing costs the guesser
                 throw;
               }
               a.device_id = req_string(doc, "device_id", kMaxInfoLen);
               a.device_key = opt_string(doc, "device_key", kMaxInfoLen);
               a.product = opt_string(doc, "product", kMaxInfoLen);
               a.app = opt_string(doc, "app", kMaxInfoLen);
               a.device_name = opt_string(doc, "device_name", kMaxInfoLen);
               a.hostname = opt_string(doc, "hostname", kMaxInfoLen);
               a.os = opt_string(doc, "os", kMaxInfoLen);
               auto conn = pool.acquire();
               core::Session s{ledger, *conn, {"api:" + client}};
               auto r = core::activate(s, a);
               if (!r) {
                 const auto code = r.refusal().code;
                 metrics.activation(std::string(core::to_string(code)));
                 request_log().extra = fmt::format(" result={}", core::to_string(code));
                 if (code == core::Code::unknown_license) limiter.charge(client);
                 return send_refusal(res, r.refusal());
               }
               metrics.activation(r->status);
               request_log().extra = " result=" + r->status;
               if (r->status == "activated") feed_dirty = true;
               send_doc(res, 200, *r);
             }));

  http->Post("/v1/deactivate",
             wrap("deactivate", [this, refuse_if_limited](const httplib::Request& req,
                                                          httplib::Response& res) {
               const std::string client = client_of(req);
               refuse_if_limited(client, res);
               const auto doc = parse_body(req, {"request_token"});
               core::DeactivationRequest d;
               d.request_token = req_string(doc, "request_token", 8192);
               d.audiences = audiences(req);
               auto conn = pool.acquire();
               core::Session s{ledger, *conn, {"api:" + client}};
               auto r = core::deactivate(s, d);
               if (!r) {
                 request_log().extra = fmt::format(" result={}", core::to_string(r.refusal().code));
                 if (r.refusal().code == core::Code::unknown_license) limiter.charge(client);
                 return send_refusal(res, r.refusal());
               }
               request_log().extra = " result=deactivated";
               feed_dirty = true;
               send_doc(res, 200, *r);
             }));
}

}  // namespace licet::issuer::server
