#include "licet/common/device_id_rule.hpp"

namespace licet::device_id_rule {

std::string invalid_reason(std::string_view id) {
  if (id.empty()) return "device ID is empty";
  if (id.size() > kMaxBytes) return "device ID is longer than 128 bytes";
  for (char c : id) {
    if (c <= 0x20 || c > 0x7E) return "device ID contains whitespace or a non-printable character";
    if (c == ';' || c == ',' || c == '"') return "device ID contains ';', ',' or '\"'";
  }
  return {};
}

}  // namespace licet::device_id_rule
