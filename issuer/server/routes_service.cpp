// GET /v1/revocations (the signed feed, ETag = its sequence), /healthz and /metrics.
#include <fmt/core.h>

#include "core/ops/feed.hpp"
#include "core/ops/queries.hpp"
#include "server/server_impl.hpp"

namespace licet::issuer::server {

FeedSnapshot Server::Impl::current_feed() {
  std::lock_guard lock(feed_mutex);
  const auto now = std::chrono::steady_clock::now();
  const bool due =
      std::chrono::duration<double>(now - feed_checked).count() >= opt.feed_recheck_seconds;
  if (feed.bytes && !feed_dirty && !due) return feed;
  feed_dirty = false;
  feed_checked = now;
  auto conn = pool.acquire();
  core::Session s{ledger, *conn, {"server"}};
  // Reuses the feed the ledger holds while its content is current: every server sharing the
  // ledger serves the same bytes, and a republish happens only when something changed.
  auto r = core::current_feed(s, opt.feed_valid_for);
  if (!r) {
    feed_dirty = true;
    throw core::Refused(r.refusal().code, r.refusal().message);
  }
  if (!feed.bytes || feed.etag != "\"" + std::to_string(r->sequence) + "\"") {
    feed.bytes = std::make_shared<const std::string>(std::move(r->bytes));
    feed.etag = "\"" + std::to_string(r->sequence) + "\"";
  }
  return feed;
}

void Server::Impl::service_routes() {
  http->Get(
      "/v1/revocations",
      wrap("revocations", [this](const httplib::Request& req, httplib::Response& res) {
        FeedSnapshot snap;
        try {
          snap = current_feed();
        } catch (const core::Refused& e) {
          fmt::print(stderr, "licet serve: cannot publish the revocation feed: {}\n", e.what());
          throw HttpError{503, "unavailable", "the revocation feed cannot be built right now"};
        }
        res.set_header("ETag", snap.etag);
        res.set_header("Cache-Control", "no-cache");
        const std::string inm = req.get_header_value("If-None-Match");
        if (!inm.empty() && (inm == "*" || inm.find(snap.etag) != std::string::npos)) {
          res.status = 304;
          return;
        }
        res.status = 200;
        res.set_content(*snap.bytes, "application/octet-stream");
      }));

  http->Get("/healthz", wrap("healthz", [this](const httplib::Request&, httplib::Response& res) {
              auto conn = pool.acquire();
              (*conn).data_version();
              res.status = 200;
              res.set_content("{\"status\":\"ok\"}", "application/json");
            }));

  http->Get("/metrics", wrap("metrics", [this](const httplib::Request&, httplib::Response& res) {
              auto conn = pool.acquire();
              core::Session s{ledger, *conn, {"server"}};
              auto st = core::stats(s, 0);
              if (!st) throw core::Refused(st.refusal().code, st.refusal().message);
              res.status = 200;
              res.set_content(metrics.render(st->total.seats, st->total.bound, st->total.licenses),
                              "text/plain; version=0.0.4; charset=utf-8");
            }));
}

}  // namespace licet::issuer::server
