// One access-log line per answered request. Every field that comes from the client is escaped
// with licet::text::escape_control and bounded, so a request cannot forge a line (%0a), write
// terminal escapes (%1b) or NUL bytes (%00) into the log, or make a line arbitrarily long.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace licet::server::net {

struct AccessRecord {
  std::string client;  // the client address (from a trusted proxy's header, else the peer)
  std::string peer;    // the TCP peer
  std::string method;  // "-" when the request line could not be read
  std::string path;    // decoded path as routed (no query), or the raw target of a refused request
  int status = 0;
  std::chrono::microseconds duration{0};  // request complete -> response written
  bool refused_by_front_door = false;     // answered by the front door, not by a handler
};

// "CLIENT METHOD PATH STATUS 1.234ms[ via PEER][ EXTRA]\n": the shape of licet serve's log, with
// " via PEER" when the client address came from a proxy's header. `extra` (already meaningful
// text from the caller, e.g. " key=ABCD…") is escaped too. The path is cut at 512 bytes.
std::string format_access_line(const AccessRecord& r, std::string_view extra = {});

// Writes one line with a single write(2), so lines from concurrent threads never interleave
// (POSIX: a write of up to PIPE_BUF bytes to a pipe is atomic; for a regular file opened with
// O_APPEND each write lands whole at the end). Returns false when the write failed or was short.
bool write_line(int fd, std::string_view line);

}  // namespace licet::server::net
