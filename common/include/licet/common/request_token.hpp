// Request tokens: what a device signs with its device key when it acts for itself on the
// activation server (deactivate, lease checkout/renew/release) or asks the vendor offline to free
// its seat. A PASETO v4.public token with footer {"kid":"<k4.pid of the device key>"}.
// Shared by the verifier (which signs) and the issuer (which verifies). Format: docs/FORMAT.md,
// "Request token".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "licet/common/error.hpp"
#include "licet/common/key_types.hpp"
#include "licet/common/time.hpp"

namespace licet::request_token {

// exp - iat may not exceed these: a token sent online is short-lived; an offline deactivation
// request travels by e-mail and may wait for the vendor for a while.
inline constexpr std::int64_t kMaxOnlineLifetime = 300;
inline constexpr std::int64_t kMaxOfflineLifetime = 30 * 86400;

// The audience of an offline deactivation request (online tokens name the server's origin).
inline constexpr std::string_view kOfflineAudience = "offline";

// The actions a request token may authorize.
inline constexpr std::string_view kDeactivate = "deactivate";
inline constexpr std::string_view kLeaseCheckout = "lease.checkout";
inline constexpr std::string_view kLeaseRenew = "lease.renew";
inline constexpr std::string_view kLeaseRelease = "lease.release";

struct Claims {
  std::string lic;  // license key (canonical)
  std::string dev;  // the device ID the seat is bound to
  std::string act;  // one of the actions above
  std::string aud;  // the server's origin (origin_of), or "offline"
  std::string jti;  // 128 random bits, base64url (22 characters)
  UnixTime iat = 0;
  UnixTime exp = 0;

  bool operator==(const Claims&) const = default;
};

// A fresh jti: 16 random bytes, base64url.
std::string new_jti();

// Signs the claims with the device key (footer kid = the k4.pid of its public half). An empty
// jti is replaced by new_jti(). The claims are not validated here: verify() and peek() do that.
std::string sign(const Claims& claims, const SecretKey& device_key);

// Syntax, footer and claims, with NO signature check: the server reads lic and dev first to find
// the device key bound to them, then calls verify() with it.
Result<Claims> peek(std::string_view token);

// The footer's kid (k4.pid of the key that claims to have signed), syntax only.
Result<std::string> peek_kid(std::string_view token);

// The whole check: syntax, kid == pid(device_key), signature, claims, act, aud, lifetime
// (exp - iat <= max_lifetime), exp >= now - tolerance, iat <= now + tolerance. Refusals are
// `malformed` (syntax, claims, act, aud, lifetime, issued in the future), `bad_signature` (another
// key, or a signature that does not verify) or `expired`. Replay (a jti seen before) is for the
// caller to refuse: it keeps the jti until exp.
Result<Claims> verify(std::string_view token, const PublicKey& device_key,
                      std::string_view expected_aud, std::string_view expected_act, UnixTime now,
                      std::int64_t max_lifetime, std::int64_t tolerance = 60);

// The origin of an http(s) URL, as request tokens name it: scheme and host lowercased, the port
// only when it is not the scheme's default, no user info, no path.
// "https://Lic.Example.com:443/x" -> "https://lic.example.com". "" when `url` is not an
// http(s) URL with a host.
std::string origin_of(std::string_view url);

// The k4.pid of a public key (PASERK; the same value keys/paserk.hpp computes).
std::string key_pid(const PublicKey& key);

}  // namespace licet::request_token
