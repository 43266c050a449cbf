#include "licet/server/net/access_log.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "licet/common/text.hpp"

namespace licet::server::net {

std::string format_access_line(const AccessRecord& r, std::string_view extra) {
  using licet::text::escape_control;
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.3fms", static_cast<double>(r.duration.count()) / 1000.0);
  std::string line = escape_control(r.client, 64);
  line += ' ';
  line += r.method.empty() ? "-" : escape_control(r.method, 32);
  line += ' ';
  line += r.path.empty() ? "-" : escape_control(r.path, 512);
  line += ' ';
  line += std::to_string(r.status);
  line += ' ';
  line += ms;
  if (!r.peer.empty() && r.peer != r.client) {
    line += " via ";
    line += escape_control(r.peer, 64);
  }
  if (!extra.empty()) line += escape_control(extra, 512);
  line += '\n';
  return line;
}

bool write_line(int fd, std::string_view line) {
  for (;;) {
    const ssize_t n = ::write(fd, line.data(), line.size());
    if (n < 0 && errno == EINTR) continue;
    return n == static_cast<ssize_t>(line.size());
  }
}

}  // namespace licet::server::net
