// The admin API (/v1/admin/…): bearer tokens with roles; every change audited as token:NAME; the
// same documents as the CLI's --json (docs/OPERATIONS.md "Admin API").
#include <fmt/core.h>

#include <charconv>

#include "core/fields.hpp"
#include "core/ops/keys.hpp"
#include "core/ops/licenses.hpp"
#include "core/ops/queries.hpp"
#include "licet/common/license_key.hpp"
#include "server/server_impl.hpp"

namespace licet::issuer::server {
namespace {

using httplib::Request;
using httplib::Response;

template <class T>
T take(core::Outcome<T> o) {
  if (!o) throw core::Refused(o.refusal().code, o.refusal().message, o.refusal().details);
  return std::move(o).value();
}

std::string path_key(const Request& req) {
  auto canonical = license_key::normalize(req.matches[1].str());
  if (!canonical) throw HttpError{400, "bad_request", "license key: " + canonical.error().message};
  return *canonical;
}

std::optional<std::string> param(const Request& req, const char* name) {
  if (!req.has_param(name)) return std::nullopt;
  return req.get_param_value(name);
}

std::int64_t int_param(const Request& req, const char* name, std::int64_t lo, std::int64_t hi,
                       std::int64_t fallback) {
  const auto text = param(req, name);
  if (!text) return fallback;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || p != text->data() + text->size() || v < lo || v > hi) {
    throw HttpError{400, "bad_request",
                    fmt::format("{}: a whole number from {} to {}", name, lo, hi)};
  }
  return v;
}

core::LicenseSpec spec_from_body(const rapidjson::Document& doc, UnixTime now) {
  namespace field = core::field;
  core::LicenseSpec s;
  s.product = field::product(req_string(doc, "product", 256));
  s.customer = field::customer(req_string(doc, "customer", 256));
  const auto seats = opt_int(doc, "seats");
  if (!seats) throw HttpError{400, "bad_request", "seats: missing"};
  s.seats = field::seats(std::to_string(*seats));
  const auto expires = opt_string(doc, "expires", 64);
  const auto days = opt_int(doc, "days");
  if (expires && days) throw HttpError{400, "bad_request", "give expires or days, not both"};
  if (expires) s.expires = field::date(*expires, "expires");
  if (days) s.expires = now + 86400 * field::days(std::to_string(*days));
  for (const auto& d : opt_strings(doc, "devices")) s.devices.push_back(field::device_id(d));
  for (const auto& f : opt_strings(doc, "features")) s.features.push_back(field::feature(f));
  if (auto m = opt_string(doc, "maint", 64)) s.maint = field::date(*m, "maint");
  const auto url = opt_string(doc, "sync_url", 4096);
  const auto age = opt_string(doc, "sync_max_age", 64);
  if (url.has_value() != age.has_value())
    throw HttpError{400, "bad_request", "sync_url and sync_max_age go together"};
  if (url) s.sync = SyncPolicy{field::sync_url(*url), field::duration(*age, "sync_max_age")};
  if (auto l = opt_string(doc, "lease", 64)) s.lease_seconds = field::duration(*l, "lease", 60);
  if (auto b = opt_string(doc, "borrow_max", 64))
    s.borrow_max_seconds = field::duration(*b, "borrow_max", 60);
  const auto meta = doc.FindMember("meta");
  if (meta != doc.MemberEnd() && !meta->value.IsNull()) {
    if (!meta->value.IsObject())
      throw HttpError{400, "bad_request", "meta: expected an object of strings"};
    for (auto it = meta->value.MemberBegin(); it != meta->value.MemberEnd(); ++it) {
      if (!it->value.IsString())
        throw HttpError{400, "bad_request", "meta: expected an object of strings"};
      s.meta.emplace(
          field::meta_name(std::string(it->name.GetString(), it->name.GetStringLength())),
          field::meta_value(std::string(it->value.GetString(), it->value.GetStringLength())));
    }
  }
  const auto kind = opt_string(doc, "kind", 32);
  if (kind) {
    auto k = core::kind_from_string(*kind);
    if (!k)
      throw HttpError{400, "bad_request", "kind: node_locked, activation, unlocked or floating"};
    s.kind = *k;
  } else {
    s.kind = s.devices.empty() ? core::Kind::activation : core::Kind::node_locked;
  }
  return s;
}

}  // namespace

core::Caller Server::Impl::require(const Request& req, Response& res, core::Role min,
                                   const char* action) {
  const std::string auth = req.get_header_value("Authorization");
  constexpr std::string_view kBearer = "Bearer ";
  if (auth.size() <= kBearer.size() || auth.compare(0, kBearer.size(), kBearer) != 0) {
    res.set_header("WWW-Authenticate", "Bearer");
    throw HttpError{401, "unauthorized", "missing bearer token (Authorization: Bearer …)"};
  }
  std::optional<core::Caller> who;
  {
    auto conn = pool.acquire();
    core::Session s{ledger, *conn, {"server"}};
    who = core::authenticate(s, std::string_view(auth).substr(kBearer.size()));
  }
  if (!who) {
    res.set_header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
    throw HttpError{401, "unauthorized", "invalid or revoked token"};
  }
  request_log().extra = " token=" + who->name;
  if (who->role < min) {
    throw HttpError{403, "forbidden",
                    fmt::format("role {} may not {} (needs {})", core::to_string(who->role), action,
                                core::to_string(min))};
  }
  return *who;
}

void Server::Impl::admin_routes() {
  using core::Role;
  // A session acting for the authenticated token.
  auto as = [this](const Request& req, Response& res, Role min, const char* action, auto&& body) {
    const auto who = require(req, res, min, action);
    auto conn = pool.acquire();
    core::Session s{ledger, *conn, {"token:" + who.name}};
    body(s);
  };
  const std::string lic = R"(/v1/admin/licenses/([^/]+))";

  http->Get("/v1/admin/licenses", wrap("admin_list", [this, as](const Request& req, Response& res) {
              as(req, res, Role::viewer, "list licenses", [&](core::Session& s) {
                core::ListRequest r;
                r.key_prefix = param(req, "key");
                r.product = param(req, "product");
                r.customer = param(req, "customer");
                r.meta = param(req, "meta");
                if (auto st = param(req, "status")) {
                  r.status = core::status_from_string(*st);
                  if (!r.status)
                    throw HttpError{400, "bad_request", "status: active, expired or revoked"};
                }
                if (auto k = param(req, "kind")) {
                  r.kind = core::kind_from_string(*k);
                  if (!r.kind)
                    throw HttpError{400, "bad_request",
                                    "kind: node_locked, activation, unlocked or floating"};
                }
                r.signed_by = param(req, "kid");
                if (req.has_param("expiring_within"))
                  r.expiring_within = int_param(req, "expiring_within", 0, 1000000, 0);
                r.cursor = param(req, "cursor");
                r.limit = int_param(req, "limit", 1, 1000, 100);
                send_doc(res, 200, take(core::list(s, r)));
              });
            }));

  http->Post(
      "/v1/admin/licenses", wrap("admin_issue", [this, as](const Request& req, Response& res) {
        as(req, res, Role::admin, "issue licenses", [&](core::Session& s) {
          const auto doc = parse_body(req, {"product", "customer", "seats", "kind", "expires",
                                            "days", "devices", "features", "maint", "sync_url",
                                            "sync_max_age", "meta", "lease", "borrow_max"});
          const auto spec = spec_from_body(doc, ledger.now());
          send_doc(res, 201, take(core::issue(s, spec)));
        });
      }));

  http->Get(lic, wrap("admin_show", [this, as](const Request& req, Response& res) {
              as(req, res, Role::viewer, "show licenses",
                 [&](core::Session& s) { send_doc(res, 200, take(core::show(s, path_key(req)))); });
            }));

  http->Get(lic + "/file", wrap("admin_file", [this, as](const Request& req, Response& res) {
              as(req, res, Role::support, "export license files", [&](core::Session& s) {
                send_doc(res, 200, take(core::export_file(s, path_key(req), param(req, "device"))));
              });
            }));

  http->Post(lic + "/seats", wrap("admin_seats", [this, as](const Request& req, Response& res) {
               as(req, res, Role::support, "change seats", [&](core::Session& s) {
                 const auto doc = parse_body(req, {"seats"});
                 const auto n = opt_int(doc, "seats");
                 if (!n) throw HttpError{400, "bad_request", "seats: missing"};
                 send_doc(res, 200, take(core::set_seats(s, {path_key(req), *n})));
                 feed_dirty = true;
               });
             }));

  http->Post(lic + "/extend", wrap("admin_extend", [this, as](const Request& req, Response& res) {
               as(req, res, Role::support, "extend licenses", [&](core::Session& s) {
                 const auto doc = parse_body(req, {"expires", "days", "from_today"});
                 core::ExtendRequest r;
                 r.key = path_key(req);
                 if (auto e = opt_string(doc, "expires", 64))
                   r.expires = core::field::date(*e, "expires");
                 if (auto d = opt_int(doc, "days")) r.days = core::field::days(std::to_string(*d));
                 r.from_today = opt_bool(doc, "from_today").value_or(false);
                 send_doc(res, 200, take(core::extend(s, r)));
               });
             }));

  http->Post(lic + "/reissue", wrap("admin_reissue", [this, as](const Request& req, Response& res) {
               as(req, res, Role::support, "re-issue licenses", [&](core::Session& s) {
                 const auto doc = parse_body(
                     req, {"add_devices", "remove_devices", "device", "force", "reason"}, true);
                 core::ReissueRequest r;
                 r.key = path_key(req);
                 r.add = opt_strings(doc, "add_devices");
                 r.remove = opt_strings(doc, "remove_devices");
                 r.device = opt_string(doc, "device", 256);
                 r.force = opt_bool(doc, "force").value_or(false);
                 r.reason = opt_string(doc, "reason", 1024);
                 send_doc(res, 200, take(core::reissue(s, r)));
                 feed_dirty = true;
               });
             }));

  http->Post(lic + "/devices/remove",
             wrap("admin_remove_device", [this, as](const Request& req, Response& res) {
               as(req, res, Role::support, "remove devices", [&](core::Session& s) {
                 const auto doc = parse_body(req, {"device_id", "force", "reason"});
                 core::RemoveDeviceRequest r;
                 r.key = path_key(req);
                 r.device = req_string(doc, "device_id", 256);
                 r.force = opt_bool(doc, "force").value_or(false);
                 r.reason = opt_string(doc, "reason", 1024);
                 send_doc(res, 200, take(core::remove_device(s, r)));
                 feed_dirty = true;
               });
             }));

  http->Post(lic + "/revoke", wrap("admin_revoke", [this, as](const Request& req, Response& res) {
               as(req, res, Role::admin, "revoke licenses", [&](core::Session& s) {
                 const auto doc = parse_body(req, {"reason"}, /*optional_body=*/true);
                 send_doc(res, 200,
                          take(core::revoke(s, {path_key(req), opt_string(doc, "reason", 1024)})));
                 feed_dirty = true;
               });
             }));

  http->Post(lic + "/reinstate",
             wrap("admin_reinstate", [this, as](const Request& req, Response& res) {
               as(req, res, Role::admin, "reinstate licenses", [&](core::Session& s) {
                 (void)parse_body(req, {}, /*optional_body=*/true);
                 send_doc(res, 200, take(core::reinstate(s, {path_key(req), std::nullopt})));
                 feed_dirty = true;
               });
             }));

  http->Get(
      lic + "/audit", wrap("admin_license_audit", [this, as](const Request& req, Response& res) {
        as(req, res, Role::viewer, "read the audit trail", [&](core::Session& s) {
          send_doc(res, 200,
                   take(core::audit_events(s, path_key(req), int_param(req, "limit", 1, 1000, 100),
                                           int_param(req, "before", 0, INT64_MAX, 0))));
        });
      }));

  http->Get("/v1/admin/audit", wrap("admin_audit", [this, as](const Request& req, Response& res) {
              as(req, res, Role::viewer, "read the audit trail", [&](core::Session& s) {
                send_doc(
                    res, 200,
                    take(core::audit_events(s, std::nullopt, int_param(req, "limit", 1, 1000, 100),
                                            int_param(req, "before", 0, INT64_MAX, 0))));
              });
            }));

  http->Get("/v1/admin/stats", wrap("admin_stats", [this, as](const Request& req, Response& res) {
              as(req, res, Role::viewer, "read statistics", [&](core::Session& s) {
                send_doc(res, 200, take(core::stats(s, int_param(req, "top", 0, 1000, 10))));
              });
            }));

  http->Get("/v1/admin/keys", wrap("admin_keys", [this, as](const Request& req, Response& res) {
              as(req, res, Role::viewer, "list keys", [&](core::Session& s) {
                send_doc(res, 200, core::KeyListDoc{take(core::list_keys(s))});
              });
            }));
}

}  // namespace licet::issuer::server
