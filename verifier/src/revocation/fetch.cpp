#include "revocation/fetch.hpp"

#ifdef LICET_WITH_CURL
#include <curl/curl.h>

#include <memory>
#include <mutex>
#endif

#ifndef LICET_VERSION_STRING
#define LICET_VERSION_STRING "0.0.0"
#endif

namespace licet::detail {

#ifdef LICET_WITH_CURL
namespace {

Error io(std::string message) {
  return make_error(ErrorCode::io_error, std::move(message));
}

struct Sink {
  std::string body;
  std::size_t max_bytes = 0;
  bool too_large = false;
};

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t n = size * count;
  // Checked while downloading: a hostile or broken server cannot make us buffer gigabytes.
  if (n > sink->max_bytes - sink->body.size()) {
    sink->too_large = true;
    return 0;  // makes libcurl abort the transfer
  }
  sink->body.append(data, n);
  return n;
}

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

}  // namespace

Result<Fetched> fetch_feed(const std::string& url, const std::string& etag,
                           const FetchOptions& options) {
  global_init();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return io("cannot start an HTTP client");
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr,
                                                                      &curl_slist_free_all);
  if (!etag.empty()) {
    const std::string h = "If-None-Match: " + etag;
    headers.reset(curl_slist_append(nullptr, h.c_str()));
  }
  Sink sink;
  sink.max_bytes = options.max_bytes;
  char errbuf[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // safe in threaded apps
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, options.connect_timeout_ms);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, options.total_timeout_ms);
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_bytes));
  curl_easy_setopt(c, CURLOPT_USERAGENT, "licet/" LICET_VERSION_STRING);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &write_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());

  const CURLcode rc = curl_easy_perform(c);
  if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    return io("revocation feed at " + url + " is larger than " + std::to_string(options.max_bytes) +
              " bytes; refused");
  }
  if (rc != CURLE_OK) {
    return io("cannot download the revocation feed from " + url + ": " +
              (errbuf[0] != '\0' ? std::string(errbuf) : std::string(curl_easy_strerror(rc))));
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  Fetched out;
  curl_header* h = nullptr;
  if (curl_easy_header(c, "ETag", 0, CURLH_HEADER, -1, &h) == CURLHE_OK && h != nullptr) {
    out.etag = h->value;
  }
  if (status == 304 && !etag.empty()) {
    out.not_modified = true;
    return out;
  }
  if (status != 200) {
    return io("the server answered HTTP " + std::to_string(status) +
              " for the revocation feed at " + url);
  }
  out.body = std::move(sink.body);
  return out;
}

bool sync_compiled_in() {
  return true;
}

#else

Result<Fetched> fetch_feed(const std::string& url, const std::string& /*etag*/,
                           const FetchOptions& /*options*/) {
  return make_error(ErrorCode::io_error, "cannot sync the revocation feed from " + url +
                                             ": sync is compiled out of this build "
                                             "(LICET_WITH_CURL=OFF)");
}

bool sync_compiled_in() {
  return false;
}

#endif

}  // namespace licet::detail
