#include "lifecycle/host_info.hpp"

#if defined(_WIN32)

namespace licet::detail {
std::string host_name() {
  return {};
}
std::string os_description() {
  return "Windows";
}
}  // namespace licet::detail

#else

#include <sys/utsname.h>
#include <unistd.h>

#include <climits>

namespace licet::detail {

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return {};
  return buf;
}

std::string os_description() {
  struct utsname u {};
  if (::uname(&u) != 0) return {};
  return std::string(u.sysname) + " " + u.release;
}

}  // namespace licet::detail

#endif
