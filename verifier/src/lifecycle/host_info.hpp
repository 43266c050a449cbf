// What a device tells the vendor about itself when it activates (shown in the device list).
#pragma once

#include <string>

namespace licet::detail {

std::string host_name();       // gethostname; "" when unknown
std::string os_description();  // uname sysname and release, e.g. "Linux 6.1.0-18-amd64"

}  // namespace licet::detail
