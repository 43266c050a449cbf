#include "licet/server/net/ip_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <charconv>
#include <cstring>

namespace licet::server::net {
namespace {

constexpr std::array<std::uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};

bool is_v4_mapped(const std::uint8_t* b) {
  return std::memcmp(b, kMappedPrefix.data(), kMappedPrefix.size()) == 0;
}

Error cidr_error(std::string_view text, const std::string& why) {
  return make_error(ErrorCode::malformed,
                    "trusted proxy range '" + std::string(text) + "': " + why);
}

}  // namespace

IpAddress IpAddress::v4(std::array<std::uint8_t, 4> bytes) {
  IpAddress a;
  std::memcpy(a.bytes_.data(), bytes.data(), 4);
  return a;
}

IpAddress IpAddress::v6(std::array<std::uint8_t, 16> bytes) {
  IpAddress a;
  if (is_v4_mapped(bytes.data())) {
    std::memcpy(a.bytes_.data(), bytes.data() + 12, 4);
    return a;
  }
  a.family_ = Family::v6;
  a.bytes_ = bytes;
  return a;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; addresses are short.
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  if (text.find('\0') != std::string_view::npos) return std::nullopt;
  char buf[INET6_ADDRSTRLEN + 1];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress a;
  if (::inet_pton(AF_INET, buf, a.bytes_.data()) == 1) return a;
  std::array<std::uint8_t, 16> b6{};
  if (::inet_pton(AF_INET6, buf, b6.data()) != 1) return std::nullopt;
  return v6(b6);
}

std::optional<IpAddress> IpAddress::from_sockaddr(const sockaddr* sa, socklen_t len) {
  IpAddress a;
  if (sa->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    std::memcpy(a.bytes_.data(), &in->sin_addr, 4);
    return a;
  }
  if (sa->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    std::array<std::uint8_t, 16> b{};
    std::memcpy(b.data(), &in6->sin6_addr, 16);
    return v6(b);
  }
  return std::nullopt;
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  const int af = family_ == Family::v4 ? AF_INET : AF_INET6;
  if (::inet_ntop(af, bytes_.data(), buf, sizeof buf) == nullptr) return "?";
  return buf;
}

bool Cidr::contains(const IpAddress& a) const {
  if (a.family() != network.family()) return false;
  const int full = prefix / 8, rest = prefix % 8;
  if (std::memcmp(a.data(), network.data(), static_cast<std::size_t>(full)) != 0) return false;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xFF << (8 - rest));
  return (a.data()[full] & mask) == (network.data()[full] & mask);
}

std::string Cidr::to_string() const {
  return network.to_string() + "/" + std::to_string(prefix);
}

Result<Cidr> parse_cidr(std::string_view text) {
  if (text.empty()) return cidr_error(text, "empty");
  const auto slash = text.find('/');
  const std::string_view addr_text = text.substr(0, slash);
  if (addr_text.find('%') != std::string_view::npos) {
    return cidr_error(text, "zone indexes (%...) are not supported");
  }
  std::array<std::uint8_t, 16> v6{};
  const std::string addr_copy(addr_text);
  const bool mapped = addr_copy.find(':') != std::string::npos &&
                      ::inet_pton(AF_INET6, addr_copy.c_str(), v6.data()) == 1 &&
                      is_v4_mapped(v6.data());
  auto addr = IpAddress::parse(addr_text);
  if (!addr) return cidr_error(text, "'" + addr_copy + "' is not an IPv4 or IPv6 address");
  const int family_bits = mapped ? 128 : addr->bits();
  int prefix = family_bits;
  if (slash != std::string_view::npos) {
    const std::string_view p = text.substr(slash + 1);
    int n = -1;
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), n);
    if (p.empty() || ec != std::errc() || end != p.data() + p.size() || n < 0 ||
        (p.size() > 1 && p[0] == '0')) {
      return cidr_error(text, "the prefix length after '/' must be a number from 0 to " +
                                  std::to_string(family_bits));
    }
    if (n > family_bits) {
      return cidr_error(text, "prefix length " + std::to_string(n) + " is above " +
                                  std::to_string(family_bits) + " for an " +
                                  (family_bits == 32 ? "IPv4" : "IPv6") + " range");
    }
    prefix = n;
  }
  if (mapped) {
    // ::ffff:a.b.c.d/N is the IPv4 range a.b.c.d/(N-96), since peers are compared as IPv4.
    if (prefix < 96) {
      return cidr_error(text,
                        "an IPv4-mapped range needs a prefix of at least 96 (write the "
                        "IPv4 range instead)");
    }
    prefix -= 96;
  }
  // The range with the host bits cleared, to compare with what was written.
  std::array<std::uint8_t, 16> b{};
  std::memcpy(b.data(), addr->data(), static_cast<std::size_t>(addr->bits() / 8));
  for (int i = prefix; i < addr->bits(); ++i) {
    b[static_cast<std::size_t>(i / 8)] &= static_cast<std::uint8_t>(~(0x80u >> (i % 8)));
  }
  const Cidr masked{addr->family() == IpAddress::Family::v4
                        ? IpAddress::v4({b[0], b[1], b[2], b[3]})
                        : IpAddress::v6(b),
                    prefix};
  if (masked.network != *addr) {
    return cidr_error(text, "host bits are set; the range containing it is " + masked.to_string());
  }
  return masked;
}

bool TrustedProxies::contains(const IpAddress& a) const {
  for (const auto& r : ranges_) {
    if (r.contains(a)) return true;
  }
  return false;
}

std::string client_key(const IpAddress& a) {
  if (a.family() == IpAddress::Family::v4) return a.to_string();
  std::array<std::uint8_t, 16> b{};
  std::memcpy(b.data(), a.data(), 8);
  char buf[INET6_ADDRSTRLEN];
  ::inet_ntop(AF_INET6, b.data(), buf, sizeof buf);
  return std::string(buf) + "/64";
}

}  // namespace licet::server::net
