#include "net/http_client.hpp"

#include <cctype>
#include <memory>

#include "licet/common/request_token.hpp"
#include "net/curl_api.hpp"

#ifndef LICET_VERSION_STRING
#define LICET_VERSION_STRING "0.0.0"
#endif

namespace licet::net {
namespace {

Response failed(Failure f, std::string message) {
  Response r;
  r.failure = f;
  r.message = std::move(message);
  return r;
}

[[maybe_unused]] bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

// An http(s) URL with a host, and nothing libcurl would read as a second URL or a header.
bool acceptable_url(std::string_view url) {
  for (char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7F) {
      return false;
    }
  }
  return !request_token::origin_of(url).empty();
}

}  // namespace

std::string_view to_string(Failure f) noexcept {
  switch (f) {
    case Failure::none:
      return "none";
    case Failure::unavailable:
      return "unavailable";
    case Failure::bad_url:
      return "bad_url";
    case Failure::connect:
      return "connect";
    case Failure::timeout:
      return "timeout";
    case Failure::tls:
      return "tls";
    case Failure::too_large:
      return "too_large";
    case Failure::protocol:
      return "protocol";
  }
  return "protocol";
}

#ifdef LICET_WITH_CURL
namespace {

struct Exchange {
  std::string body;
  std::size_t max_bytes = 0;
  bool too_large = false;
  std::string etag;
  std::optional<std::int64_t> retry_after;
};

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* x = static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  // Checked while receiving: a hostile or broken server cannot make the app buffer gigabytes.
  if (n > x->max_bytes - x->body.size()) {
    x->too_large = true;
    return 0;  // libcurl aborts the transfer
  }
  x->body.append(data, n);
  return n;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

// Each header line of each answer (redirects included): only the last answer's count.
std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* x = static_cast<Exchange*>(user);
  const std::size_t n = size * count;
  const std::string_view line(data, n);
  if (starts_with_ci(line, "HTTP/")) {
    x->etag.clear();
    x->retry_after.reset();
  } else if (starts_with_ci(line, "etag:")) {
    x->etag = std::string(trim(line.substr(5)));
  } else if (starts_with_ci(line, "retry-after:")) {
    const std::string_view v = trim(line.substr(12));
    // The delay-seconds form; an HTTP-date is rare from an API and is ignored.
    if (!v.empty() && v.size() <= 9 &&
        v.find_first_not_of("0123456789") == std::string_view::npos) {
      x->retry_after = std::stoll(std::string(v));
    }
  }
  return n;
}

Failure failure_of(CURLcode rc) {
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return Failure::timeout;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
    case CURLE_SSL_SHUTDOWN_FAILED:
      return Failure::tls;
    case CURLE_FILESIZE_EXCEEDED:
      return Failure::too_large;
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Failure::bad_url;
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
      return Failure::connect;
    default:
      return Failure::protocol;
  }
}

using Easy = std::unique_ptr<CURL, void (*)(CURL*)>;

}  // namespace

Response perform(const Request& req, const CurlApi* api, const std::string& why_unavailable) {
  if (!acceptable_url(req.url)) {
    return failed(Failure::bad_url, "'" + req.url + "' is not an http:// or https:// URL");
  }
  if (api == nullptr) return failed(Failure::unavailable, why_unavailable);
  const CurlApi& curl = *api;
  Easy easy(curl.easy_init(), curl.easy_cleanup);
  if (!easy) return failed(Failure::unavailable, "libcurl could not start a request");
  auto slist_free = [&curl](curl_slist* l) { curl.slist_free_all(l); };
  std::unique_ptr<curl_slist, decltype(slist_free)> headers(nullptr, slist_free);
  auto add_header = [&](const std::string& h) {
    curl_slist* next = curl.slist_append(headers.get(), h.c_str());
    if (next != nullptr) {
      (void)headers.release();
      headers.reset(next);
    }
  };
  Exchange x;
  x.max_bytes = req.max_bytes;
  char errbuf[CURL_ERROR_SIZE] = {0};
  CURL* c = easy.get();
  const bool https = starts_with_ci(req.url, "https://");
  // Options whose refusal would weaken the request are checked; the rest cannot fail for a
  // libcurl that has the functions resolved above.
  CURLcode rc = curl.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  if (rc == CURLE_OK) {
    rc = curl.easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https");
  }
  if (rc != CURLE_OK) {
    return failed(Failure::unavailable,
                  std::string("the installed libcurl cannot restrict protocols (7.85 or newer "
                              "is needed): ") +
                      curl.easy_strerror(rc));
  }
  curl.easy_setopt(c, CURLOPT_URL, req.url.c_str());
  curl.easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM in threaded apps
  curl.easy_setopt(c, CURLOPT_FOLLOWLOCATION, req.max_redirects > 0 ? 1L : 0L);
  curl.easy_setopt(c, CURLOPT_MAXREDIRS, req.max_redirects);
  curl.easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, req.connect_timeout_ms);
  curl.easy_setopt(c, CURLOPT_TIMEOUT_MS, req.timeout_ms);
  curl.easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(req.max_bytes));
  curl.easy_setopt(c, CURLOPT_USERAGENT, "licet/" LICET_VERSION_STRING);
  curl.easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_body);
  curl.easy_setopt(c, CURLOPT_WRITEDATA, &x);
  curl.easy_setopt(c, CURLOPT_HEADERFUNCTION, &on_header);
  curl.easy_setopt(c, CURLOPT_HEADERDATA, &x);
  if (!req.ca_file.empty()) curl.easy_setopt(c, CURLOPT_CAINFO, req.ca_file.c_str());
  if (req.post) {
    curl.easy_setopt(c, CURLOPT_POST, 1L);
    curl.easy_setopt(c, CURLOPT_POSTFIELDS, req.body.c_str());
    curl.easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
    // A 301/302 (e.g. http -> https) keeps the POST rather than turning it into a GET.
    curl.easy_setopt(c, CURLOPT_POSTREDIR,
                     static_cast<long>(CURL_REDIR_POST_301 | CURL_REDIR_POST_302));
    add_header("Content-Type: " + req.content_type);
    add_header("Accept: application/json");
    add_header("Expect:");  // no 100-continue round trip
  } else if (!req.if_none_match.empty()) {
    add_header("If-None-Match: " + req.if_none_match);
  }
  if (headers) curl.easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

  rc = curl.easy_perform(c);
  if (x.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    return failed(Failure::too_large, "the answer from " + req.url + " is larger than " +
                                          std::to_string(req.max_bytes) + " bytes; refused");
  }
  if (rc != CURLE_OK) {
    std::string why = errbuf[0] != '\0' ? std::string(errbuf) : curl.easy_strerror(rc);
    if (rc == CURLE_UNSUPPORTED_PROTOCOL) why += " (only http and https are allowed)";
    return failed(failure_of(rc), why);
  }
  Response r;
  curl.easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  r.body = std::move(x.body);
  r.etag = std::move(x.etag);
  r.retry_after = x.retry_after;
  return r;
}

Response perform(const Request& req) {
  std::string why;
  const CurlApi* api = acceptable_url(req.url) ? curl_api(&why) : nullptr;
  return perform(req, api, why);
}

bool compiled_in() noexcept {
  return true;
}

#else

Response perform(const Request& req) {
  if (!acceptable_url(req.url)) {
    return failed(Failure::bad_url, "'" + req.url + "' is not an http:// or https:// URL");
  }
  return failed(Failure::unavailable,
                "network code is compiled out of this build (LICET_WITH_CURL=OFF)");
}

bool compiled_in() noexcept {
  return false;
}

#endif

}  // namespace licet::net
