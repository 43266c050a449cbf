// The verifier's one HTTP client, for every online part: GET with ETag revalidation (the
// revocation feed) and POST of JSON (activation, deactivation, leases). http and https only,
// redirects bounded (and never from https down to http), answers bounded in size and time, the
// system CA store or a CA file, proxies from the environment (http_proxy, https_proxy,
// no_proxy). libcurl is loaded on first use (net/curl_api.hpp); without it every request fails
// with Failure::unavailable and a message saying why.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace licet::net {

struct CurlApi;

// Why no HTTP answer arrived. An answer with any status (404, 500…) is not a failure here.
enum class Failure {
  none,
  unavailable,  // libcurl is not installed, or the build has no network code
  bad_url,      // not an http(s) URL, or a redirect to another protocol
  connect,      // no connection: refused, unreachable, DNS, dropped
  timeout,      // no complete answer in time
  tls,          // the TLS handshake or the certificate check failed
  too_large,    // the answer exceeds Request::max_bytes
  protocol,     // a broken answer, or too many redirects
};

std::string_view to_string(Failure failure) noexcept;

struct Request {
  std::string url;
  bool post = false;  // POST `body` as `content_type`; else GET
  std::string body;
  std::string content_type = "application/json";
  std::string if_none_match;  // GET: an ETag; a 304 answer then means "unchanged"
  std::string ca_file;        // PEM bundle for https (a private CA); empty = the system's
  long connect_timeout_ms = 10000;
  long timeout_ms = 30000;  // the whole exchange, redirects included
  std::size_t max_bytes = 256 * 1024;
  long max_redirects = 5;
};

struct Response {
  Failure failure = Failure::none;
  std::string message;  // one line, when failure != none
  long status = 0;      // HTTP status of the final answer
  std::string body;
  std::string etag;                         // the final answer's ETag, if any
  std::optional<std::int64_t> retry_after;  // seconds, from Retry-After (integer form)

  bool ok() const { return failure == Failure::none; }
};

// Never throws for network conditions; every failure is in the Response.
Response perform(const Request& request);

#ifdef LICET_WITH_CURL
// The same with a given libcurl (tests load one by another name); nullptr = unavailable, with
// `why_unavailable` as the message.
Response perform(const Request& request, const CurlApi* api, const std::string& why_unavailable);
#endif

// False when the library was built without network code (LICET_WITH_CURL=OFF).
bool compiled_in() noexcept;

}  // namespace licet::net
