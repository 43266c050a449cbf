// Downloads the revocation feed over HTTP(S) with libcurl: the system CA store, proxies from the
// environment, bounded time and size, and ETag revalidation. Compiled out without LICET_WITH_CURL.
#pragma once

#include <cstddef>
#include <functional>
#include <string>

#include "licet/common/error.hpp"
#include "licet/common/revocation_feed.hpp"

namespace licet::detail {

struct FetchOptions {
  long connect_timeout_ms = 10000;
  long total_timeout_ms = 60000;
  std::size_t max_bytes = feed::kMaxFeedBytes;  // enforced while downloading
};

struct Fetched {
  bool not_modified = false;  // 304 for the ETag we sent
  std::string body;           // the feed bytes on 200
  std::string etag;           // the server's ETag, if any
};

// io_error with a one-line message for anything but 200, or 304 when `etag` was sent.
Result<Fetched> fetch_feed(const std::string& url, const std::string& etag,
                           const FetchOptions& options = {});

// False when the library was built without libcurl (LICET_WITH_CURL=OFF).
bool sync_compiled_in();

}  // namespace licet::detail
