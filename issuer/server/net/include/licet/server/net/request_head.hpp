// Reads an HTTP/1.1 request head (RFC 9112) as it arrives, before any worker sees it, and decides
// how the body is framed. Strict where a lenient reading would let two parsers disagree about
// where a request ends (request smuggling) or would let one client cost a worker: CRLF only, no
// obs-fold, no whitespace before the colon, one numeric Content-Length, only "chunked" as
// transfer coding and never with Content-Length. Limits and refusals: docs/SECURITY.md,
// "Hostile HTTP clients".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "licet/server/net/refusal.hpp"

namespace licet::server::net {

struct HeadLimits {
  std::size_t max_head_bytes = 16 * 1024;  // request line + header lines + blank line
  std::size_t max_header_count = 100;
  // Request line (414 above it) and each header line, CRLF included: cpp-httplib's own limits
  // (CPPHTTPLIB_REQUEST_URI_MAX_LENGTH, CPPHTTPLIB_HEADER_MAX_LENGTH), refused here first.
  std::size_t max_line_bytes = 8192;
  std::uint64_t max_body_bytes = 16 * 1024;
};

enum class BodyFraming {
  none,            // no Content-Length, no Transfer-Encoding: an empty body (RFC 9112 section 6.3)
  content_length,  // exactly content_length bytes follow the head
  chunked,         // Transfer-Encoding: chunked
};

struct RequestHead {
  std::size_t head_bytes = 0;     // through the blank line, leading empty lines included
  std::size_t request_start = 0;  // where the request line starts (after leading empty lines)
  std::string method, target, version;
  bool http10 = false;
  BodyFraming framing = BodyFraming::none;
  std::uint64_t content_length = 0;
  bool expect_continue = false;                         // Expect: 100-continue
  std::vector<std::string> x_forwarded_for, forwarded;  // every value, in order
};

class HeadScanner {
 public:
  enum class State { incomplete, complete, refused };

  explicit HeadScanner(const HeadLimits& limits) : limits_(limits) {}

  // `buf` holds the connection's bytes from the start of this request. Between calls it may only
  // have grown at the end; the work done is linear in the bytes added, so a client sending one
  // byte at a time costs no more than one sending the head at once.
  State feed(std::string_view buf);
  State state() const { return state_; }
  const RequestHead& head() const { return head_; }
  const Refusal& refusal() const { return refusal_; }
  // Partly read fields (method, target) are kept for the access log of a refusal.

 private:
  State refuse(Refusal r);
  State request_line(std::string_view line);
  State header_line(std::string_view line);
  State finish(std::size_t head_bytes);

  HeadLimits limits_;
  State state_ = State::incomplete;
  std::size_t line_start_ = 0;  // where the line being read starts
  std::size_t search_ = 0;      // where the search for its LF resumes
  bool have_request_line_ = false;
  std::size_t leading_empty_lines_ = 0;
  std::size_t header_count_ = 0;
  std::size_t host_count_ = 0, cl_count_ = 0, te_count_ = 0;
  bool cl_valid_ = true, cl_too_large_ = false;
  std::string te_value_, content_type_, expect_;
  std::vector<std::string> content_encodings_;
  RequestHead head_;
  Refusal refusal_;
};

// Frames a chunked body (RFC 9112 section 7.1) in the bytes after the head, without decoding it
// into a copy. Strict: 1 to 8 hex digits, optional extensions, CRLF after each chunk, no trailer
// fields (cpp-httplib does not read them).
class ChunkedScanner {
 public:
  enum class State { incomplete, complete, refused };

  explicit ChunkedScanner(std::uint64_t max_body_bytes)
      : max_body_(max_body_bytes), max_framed_(2 * max_body_bytes + 4096) {}

  // `body` starts right after the head and may only have grown since the last call.
  State feed(std::string_view body);
  std::size_t framed_bytes() const { return pos_; }  // once complete: the body's length on the wire
  const Refusal& refusal() const { return refusal_; }

 private:
  enum class Step { size, size_ext, size_lf, data, data_cr, data_lf, last_cr, last_lf };
  State refuse(Refusal r);

  std::uint64_t max_body_, max_framed_;
  State state_ = State::incomplete;
  Step step_ = Step::size;
  std::size_t pos_ = 0;
  std::size_t line_bytes_ = 0;
  int digits_ = 0;
  std::uint64_t chunk_ = 0, remaining_ = 0, total_ = 0;
  Refusal refusal_;
};

}  // namespace licet::server::net
