#include "licet/server/net/request_head.hpp"

#include <cstring>

namespace licet::server::net {
namespace {

// RFC 9110 section 5.6.2.
bool is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!is_tchar(c)) return false;
  }
  return true;
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

Refusal too_large_head(std::string message) {
  return Refusal{431, "headers_too_large", std::move(message), 0};
}

}  // namespace

HeadScanner::State HeadScanner::refuse(Refusal r) {
  refusal_ = std::move(r);
  state_ = State::refused;
  return state_;
}

HeadScanner::State HeadScanner::feed(std::string_view buf) {
  while (state_ == State::incomplete) {
    const void* nl = search_ < buf.size()
                         ? std::memchr(buf.data() + search_, '\n', buf.size() - search_)
                         : nullptr;
    if (nl == nullptr) {
      search_ = buf.size();
      if (buf.size() - line_start_ > limits_.max_line_bytes) {
        return have_request_line_
                   ? refuse(too_large_head("a header line is longer than " +
                                           std::to_string(limits_.max_line_bytes) + " bytes"))
                   : refuse(Refusal{414, "uri_too_long",
                                    "the request line is longer than " +
                                        std::to_string(limits_.max_line_bytes) + " bytes",
                                    0});
      }
      if (buf.size() > limits_.max_head_bytes) {
        return refuse(too_large_head("the request head is larger than " +
                                     std::to_string(limits_.max_head_bytes) + " bytes"));
      }
      return state_;
    }
    const std::size_t lf = static_cast<std::size_t>(static_cast<const char*>(nl) - buf.data());
    const std::size_t line_end = lf + 1;
    if (line_end - line_start_ > limits_.max_line_bytes) {
      search_ = buf.size();  // the checks above report it with the right status
      if (!have_request_line_) {
        return refuse(Refusal{
            414, "uri_too_long",
            "the request line is longer than " + std::to_string(limits_.max_line_bytes) + " bytes",
            0});
      }
      return refuse(too_large_head("a header line is longer than " +
                                   std::to_string(limits_.max_line_bytes) + " bytes"));
    }
    if (line_end > limits_.max_head_bytes) {
      return refuse(too_large_head("the request head is larger than " +
                                   std::to_string(limits_.max_head_bytes) + " bytes"));
    }
    if (lf == line_start_ || buf[lf - 1] != '\r') {
      return refuse(bad_request("a line of the request head ends with a bare LF (CRLF required)"));
    }
    const std::string_view line = buf.substr(line_start_, lf - 1 - line_start_);
    const std::size_t start = line_start_;
    line_start_ = search_ = line_end;
    if (!have_request_line_) {
      if (line.empty()) {
        // RFC 9112 section 2.2: empty lines before the request line are ignored (a client may
        // send a CRLF after a body); a few, not an endless stream of them.
        if (++leading_empty_lines_ > 4) return refuse(bad_request("no request line"));
        continue;
      }
      head_.request_start = start;
      request_line(line);
    } else if (line.empty()) {
      return finish(line_end);
    } else {
      header_line(line);
    }
  }
  return state_;
}

HeadScanner::State HeadScanner::request_line(std::string_view line) {
  // method SP request-target SP HTTP-version, single spaces (RFC 9112 section 3).
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return refuse(bad_request("malformed request line"));
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method)) return refuse(bad_request("malformed request line"));
  head_.method = method;
  if (target.empty()) return refuse(bad_request("malformed request line"));
  for (unsigned char c : target) {
    // Non-ASCII and controls must be percent-encoded (RFC 3986).
    if (c <= 0x20 || c >= 0x7F) return refuse(bad_request("malformed request target"));
  }
  head_.target = target;
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !is_digit(version[5]) ||
      version[6] != '.' || !is_digit(version[7])) {
    return refuse(bad_request("malformed request line"));
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    return refuse(Refusal{505, "http_version_not_supported", "only HTTP/1.0 and HTTP/1.1", 0});
  }
  head_.version = version;
  head_.http10 = version == "HTTP/1.0";
  have_request_line_ = true;
  return state_;
}

HeadScanner::State HeadScanner::header_line(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') {
    return refuse(bad_request("folded header lines (obs-fold) are not accepted"));
  }
  if (++header_count_ > limits_.max_header_count) {
    return refuse(
        too_large_head("more than " + std::to_string(limits_.max_header_count) + " header fields"));
  }
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return refuse(bad_request("a header line has no colon"));
  const std::string_view name = line.substr(0, colon);
  if (!is_token(name)) {
    return refuse(
        bad_request("malformed header name (whitespace before the colon is not accepted either)"));
  }
  const std::string_view raw_value = line.substr(colon + 1);
  for (unsigned char c : raw_value) {
    if ((c < 0x20 && c != '\t') || c == 0x7F) {
      return refuse(bad_request("a header value holds a control character"));
    }
  }
  const std::string_view value = trim_ows(raw_value);
  if (iequals(name, "content-length")) {
    ++cl_count_;
    if (value.empty()) cl_valid_ = false;
    std::uint64_t n = 0;
    for (char c : value) {
      if (!is_digit(c)) {
        cl_valid_ = false;
        break;
      }
      if (n > (UINT64_MAX - 9) / 10) {
        cl_too_large_ = true;
        continue;
      }
      n = n * 10 + static_cast<std::uint64_t>(c - '0');
    }
    head_.content_length = n;
  } else if (iequals(name, "transfer-encoding")) {
    ++te_count_;
    te_value_ = value;
  } else if (iequals(name, "host")) {
    ++host_count_;
  } else if (iequals(name, "content-type")) {
    if (content_type_.empty()) content_type_ = value;
    if (istarts_with(value, "multipart/")) content_type_ = value;
  } else if (iequals(name, "content-encoding")) {
    content_encodings_.emplace_back(value);
  } else if (iequals(name, "expect")) {
    expect_ = value;
  } else if (iequals(name, "x-forwarded-for")) {
    head_.x_forwarded_for.emplace_back(value);
  } else if (iequals(name, "forwarded")) {
    head_.forwarded.emplace_back(value);
  }
  return state_;
}

HeadScanner::State HeadScanner::finish(std::size_t head_bytes) {
  head_.head_bytes = head_bytes;
  if (head_.http10 ? host_count_ > 1 : host_count_ != 1) {
    return refuse(bad_request("an HTTP/1.1 request needs exactly one Host header"));
  }
  if (te_count_ > 0) {
    if (head_.http10) return refuse(bad_request("Transfer-Encoding in an HTTP/1.0 request"));
    if (cl_count_ > 0) {
      return refuse(bad_request("both Content-Length and Transfer-Encoding (request smuggling)"));
    }
    if (te_count_ > 1 || !iequals(te_value_, "chunked")) {
      return refuse(
          Refusal{501, "not_implemented", "the only transfer coding accepted is chunked", 0});
    }
    head_.framing = BodyFraming::chunked;
  } else if (cl_count_ > 0) {
    if (cl_count_ > 1) return refuse(bad_request("more than one Content-Length header"));
    if (!cl_valid_) return refuse(bad_request("Content-Length is not a non-negative integer"));
    if (cl_too_large_ || head_.content_length > limits_.max_body_bytes) {
      return refuse(Refusal{
          413, "payload_too_large",
          "the body is larger than " + std::to_string(limits_.max_body_bytes) + " bytes", 0});
    }
    head_.framing = BodyFraming::content_length;
  }
  for (const auto& ce : content_encodings_) {
    // cpp-httplib would inflate gzip and brotli bodies with no limit on the inflated size.
    if (!iequals(ce, "identity")) {
      return refuse(Refusal{415, "unsupported_media_type",
                            "compressed request bodies (Content-Encoding) are not accepted", 0});
    }
  }
  if (istarts_with(content_type_, "multipart/")) {
    return refuse(
        Refusal{415, "unsupported_media_type", "multipart request bodies are not accepted", 0});
  }
  if (!expect_.empty()) {
    if (!iequals(expect_, "100-continue")) {
      return refuse(
          Refusal{417, "expectation_failed", "the only expectation met is 100-continue", 0});
    }
    head_.expect_continue = true;
  }
  state_ = State::complete;
  return state_;
}

// ---- chunked ------------------------------------------------------------------------------------

ChunkedScanner::State ChunkedScanner::refuse(Refusal r) {
  refusal_ = std::move(r);
  state_ = State::refused;
  return state_;
}

ChunkedScanner::State ChunkedScanner::feed(std::string_view body) {
  constexpr std::size_t kMaxSizeLine = 1024;
  while (state_ == State::incomplete && pos_ < body.size()) {
    if (pos_ >= max_framed_) {
      return refuse(Refusal{413, "payload_too_large", "the chunked body is too large", 0});
    }
    const char c = body[pos_];
    switch (step_) {
      case Step::data: {
        const std::size_t n =
            static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, body.size() - pos_));
        pos_ += n;
        remaining_ -= n;
        if (remaining_ == 0) step_ = Step::data_cr;
        continue;
      }
      case Step::size:
        if (is_digit(c) || (lower(c) >= 'a' && lower(c) <= 'f')) {
          if (++digits_ > 8) return refuse(bad_request("a chunk size has more than 8 hex digits"));
          chunk_ =
              chunk_ * 16 + static_cast<std::uint64_t>(is_digit(c) ? c - '0' : lower(c) - 'a' + 10);
        } else if (digits_ > 0 && (c == ';' || c == ' ' || c == '\t')) {
          step_ = Step::size_ext;
        } else if (digits_ > 0 && c == '\r') {
          step_ = Step::size_lf;
        } else {
          return refuse(bad_request("malformed chunk size"));
        }
        break;
      case Step::size_ext:
        if (c == '\r') {
          step_ = Step::size_lf;
        } else if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F) {
          return refuse(bad_request("malformed chunk extension"));
        }
        break;
      case Step::size_lf:
        if (c != '\n') return refuse(bad_request("a chunk size line does not end with CRLF"));
        if (chunk_ == 0) {
          step_ = Step::last_cr;
        } else {
          total_ += chunk_;
          if (total_ > max_body_) {
            return refuse(Refusal{413, "payload_too_large",
                                  "the body is larger than " + std::to_string(max_body_) + " bytes",
                                  0});
          }
          remaining_ = chunk_;
          step_ = Step::data;
        }
        chunk_ = 0;
        digits_ = 0;
        line_bytes_ = 0;
        ++pos_;
        continue;
      case Step::data_cr:
        if (c != '\r') return refuse(bad_request("chunk data is not followed by CRLF"));
        step_ = Step::data_lf;
        break;
      case Step::data_lf:
        if (c != '\n') return refuse(bad_request("chunk data is not followed by CRLF"));
        step_ = Step::size;
        break;
      case Step::last_cr:
        if (c != '\r') return refuse(bad_request("trailer fields are not accepted"));
        step_ = Step::last_lf;
        break;
      case Step::last_lf:
        if (c != '\n') return refuse(bad_request("the chunked body does not end with CRLF"));
        ++pos_;
        state_ = State::complete;
        return state_;
    }
    if ((step_ == Step::size || step_ == Step::size_ext || step_ == Step::size_lf) &&
        ++line_bytes_ > kMaxSizeLine) {
      return refuse(bad_request("a chunk size line is longer than 1024 bytes"));
    }
    ++pos_;
  }
  return state_;
}

}  // namespace licet::server::net
