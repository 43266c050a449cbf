// libcurl, loaded with dlopen on the first network call instead of linked: linking it makes
// every process that embeds the verifier map ~33 shared libraries at start-up, whether it ever
// goes online or not (docs/PERFORMANCE.md, "licet-verify process and binary size"). Only the
// types and constants of <curl/curl.h> are used at compile time.
#pragma once

#ifdef LICET_WITH_CURL

// Plain function declarations: the type-checking macros would wrap curl_easy_setopt.
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include <string>

namespace licet::net {

// The few libcurl functions the HTTP client uses.
struct CurlApi {
  CURLcode (*global_init)(long flags) = nullptr;
  CURL* (*easy_init)() = nullptr;
  CURLcode (*easy_setopt)(CURL*, CURLoption, ...) = nullptr;
  CURLcode (*easy_perform)(CURL*) = nullptr;
  void (*easy_cleanup)(CURL*) = nullptr;
  CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...) = nullptr;
  const char* (*easy_strerror)(CURLcode) = nullptr;
  curl_slist* (*slist_append)(curl_slist*, const char*) = nullptr;
  void (*slist_free_all)(curl_slist*) = nullptr;
  curl_version_info_data* (*version_info)(CURLversion) = nullptr;
};

// The library the verifier loads.
inline constexpr const char* kCurlLibrary = "libcurl.so.4";

// Loads `soname` and resolves every function, then runs curl_global_init. Returns false with a
// one-line reason when the library is missing or lacks a function. The handle is never closed.
bool load_curl_api(const char* soname, CurlApi& api, std::string& why);

// The process-wide libcurl: loaded on the first call (once, thread-safe), then reused. nullptr
// when it could not be loaded; `why` (may be null) then receives the reason.
const CurlApi* curl_api(std::string* why);

}  // namespace licet::net

#endif  // LICET_WITH_CURL
