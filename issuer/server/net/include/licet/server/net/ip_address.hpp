// IP addresses and CIDR ranges for the HTTP front door: peer addresses, trusted proxies
// (--trusted-proxy) and the key per-client limits count on. Rules: docs/SECURITY.md,
// "Hostile HTTP clients".
#pragma once

#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "licet/common/error.hpp"

namespace licet::server::net {

class IpAddress {
 public:
  enum class Family { v4, v6 };

  IpAddress() = default;  // 0.0.0.0
  // Strict text form (inet_pton): dotted quad without leading zeros, or RFC 4291 IPv6 without a
  // zone index. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) becomes the IPv4 address, so a
  // client is the same whether the server listens on 0.0.0.0 or [::].
  static std::optional<IpAddress> parse(std::string_view text);
  static std::optional<IpAddress> from_sockaddr(const sockaddr* sa, socklen_t len);
  static IpAddress v4(std::array<std::uint8_t, 4> bytes);
  static IpAddress v6(std::array<std::uint8_t, 16> bytes);  // IPv4-mapped: the IPv4 address

  Family family() const { return family_; }
  int bits() const { return family_ == Family::v4 ? 32 : 128; }
  // 4 or 16 significant bytes, network order.
  const std::uint8_t* data() const { return bytes_.data(); }
  // Canonical text (inet_ntop): "192.0.2.1", "2001:db8::1".
  std::string to_string() const;

  bool operator==(const IpAddress& o) const { return family_ == o.family_ && bytes_ == o.bytes_; }
  bool operator!=(const IpAddress& o) const { return !(*this == o); }

 private:
  Family family_ = Family::v4;
  std::array<std::uint8_t, 16> bytes_{};
};

struct Cidr {
  IpAddress network;  // host bits are zero
  int prefix = 0;

  bool contains(const IpAddress& a) const;
  std::string to_string() const;
};

// "10.0.0.0/8", "2001:db8::/32", or a single address ("192.0.2.7" is /32, "::1" is /128).
// Refused with a one-line reason: not an address, a zone index, a prefix that is not a number
// or too long for the family, host bits set (naming the range that was probably meant).
Result<Cidr> parse_cidr(std::string_view text);

class TrustedProxies {
 public:
  TrustedProxies() = default;
  explicit TrustedProxies(std::vector<Cidr> ranges) : ranges_(std::move(ranges)) {}
  bool contains(const IpAddress& a) const;
  bool empty() const { return ranges_.empty(); }
  const std::vector<Cidr>& ranges() const { return ranges_; }

 private:
  std::vector<Cidr> ranges_;
};

// What per-client limits count on: an IPv4 address as it is, an IPv6 address by its /64 (the
// smallest allocation a subscriber gets, so rotating addresses inside it gains nothing).
std::string client_key(const IpAddress& a);

}  // namespace licet::server::net
