// What a C++ application does with licet: check the license file at startup and tell the user,
// in their terms, what is wrong. Usage: check_license PUBLIC_KEY PRODUCT LICENSE_FILE
// (a real app compiles its public key and product in; they are arguments here to demo).
#include <licet/verifier.hpp>

#include <ctime>
#include <iostream>
#include <string>

namespace {

// This build's release date (2026-01-01T00:00:00Z), checked against the maintenance date.
constexpr std::int64_t kAppReleaseDate = 1767225600;
constexpr const char* kRenewUrl = "https://shop.example.com/renew";

std::string day(std::int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  char buf[32] = "";
  if (gmtime_r(&tt, &tm) != nullptr) std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// One sentence per error code: what the user can do about it.
std::string explain(const licet::VerifyResult& r) {
  using licet::ErrorCode;
  switch (r.code) {
    case ErrorCode::ok:
      return "";
    case ErrorCode::malformed:
      return "This is not a license file. Paste the whole file you received, including the "
             "BEGIN and END lines.";
    case ErrorCode::bad_signature:
      return "This license file was altered or damaged. Use the original file from your "
             "purchase e-mail.";
    case ErrorCode::unknown_key:
      return "This license was not issued for this version of the app. Update the app or "
             "contact support.";
    case ErrorCode::wrong_product:
      return "This license is for a different product.";
    case ErrorCode::not_yet_valid:
      return "Your license is not active yet (" + r.message + ").";
    case ErrorCode::expired:
      return "Your license has expired (" + r.message + "). Renew it at " + kRenewUrl + ".";
    case ErrorCode::maintenance_expired:
      return std::string(
                 "Your maintenance ended before this version was released. Keep using "
                 "an earlier version, or renew maintenance at ") +
             kRenewUrl + ".";
    case ErrorCode::device_not_bound:
      return "This license is registered to another computer. Move it to this one from your "
             "account page, or contact support.";
    case ErrorCode::revoked:
      return "This license has been revoked. Please contact support.";
    case ErrorCode::superseded:
      return "This license file was replaced by a newer one. Download the latest file from "
             "your account page.";
    case ErrorCode::stale_revocations:
      return "Connect to the internet once so the app can confirm your license.";
    case ErrorCode::clock_tampered:
      return "Your computer's clock looks wrong. Correct the date and time, then restart.";
    case ErrorCode::io_error:
      return "The license could not be read (" + r.message + ").";
  }
  return r.message;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: " << argv[0] << " PUBLIC_KEY PRODUCT LICENSE_FILE\n";
    return 1;
  }
  licet::VerifierConfig config;
  config.public_keys = {argv[1]};
  config.product = argv[2];
  config.release_date = kAppReleaseDate;
  auto verifier = licet::Verifier::create(std::move(config));
  if (!verifier) {
    std::cerr << "cannot set up the license check: " << verifier.error().message << "\n";
    return 1;
  }

  const licet::VerifyResult r = verifier->verify_file(argv[3]);
  if (!r.ok()) {
    std::cout << "[" << licet::to_string(r.code) << "] " << explain(r) << "\n";
    return 2;
  }
  const licet::License& l = *r.license;
  std::cout << "[ok] Licensed to " << l.customer << " (license " << l.license_key << ").\n";
  if (l.expires_at) {
    std::cout << "Valid until " << day(*l.expires_at) << ".\n";
  } else {
    std::cout << "Perpetual license.\n";
  }
  for (const auto& f : l.features) std::cout << "Feature enabled: " << f << "\n";
  return 0;
}
