// What a C++ application does with licet, from first launch to deactivation, and what it tells
// the user at each step (docs/INTEGRATION.md, "The license lifecycle"):
//
//   license_flow PUBLIC_KEY PRODUCT STATE_DIR launch [SERVER_URL LICENSE_KEY]
//   license_flow PUBLIC_KEY PRODUCT STATE_DIR deactivate SERVER_URL
//   license_flow PUBLIC_KEY PRODUCT STATE_DIR install|check FILE
//
// launch: every launch checks the stored license, offline; the first one (nothing stored)
// activates with the license key the user typed. A real app compiles its public key, product
// and server URL in. Exit: 0 licensed or done, 1 usage, 2 not valid, 3 not activated, 4 not
// deactivated.
#include <licet/verifier.hpp>

#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <sstream>
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
    case ErrorCode::not_activated:
      return "This copy is not activated yet. Enter your license key to activate it.";
    case ErrorCode::lease_expired:
      return "Your license lease ran out. Connect to the internet to renew it.";
  }
  return r.message;
}

// One sentence per activation answer.
std::string explain(const licet::ActivationResult& r) {
  using licet::ActivationStatus;
  switch (r.status) {
    case ActivationStatus::activated:
      return "This computer is now activated.";
    case ActivationStatus::already_active:
      return "This computer was already activated; its license is restored.";
    case ActivationStatus::seats_full:
      return "All seats of this license are in use. Deactivate it on another computer first.";
    case ActivationStatus::wrong_product:
      return "This license key is for a different product.";
    case ActivationStatus::revoked:
      return "This license has been revoked. Please contact support.";
    case ActivationStatus::expired:
      return std::string("This license has expired. Renew it at ") + kRenewUrl + ".";
    case ActivationStatus::unknown_license:
      return "This license key is not known. Check it for a typo.";
    case ActivationStatus::bad_request:
      return "The license key was refused (" + r.message + ").";
    case ActivationStatus::rate_limited:
      return "Too many attempts. Try again in " + std::to_string(r.retry_after) + " seconds.";
    case ActivationStatus::network_error:
    case ActivationStatus::timeout:
      return "The activation server cannot be reached. Check the internet connection and try "
             "again, or activate offline.";
    case ActivationStatus::tls_error:
      return "The secure connection to the activation server failed. Check the computer's "
             "date and time, or ask your IT whether a proxy intercepts HTTPS.";
    case ActivationStatus::server_error:
      return "The activation server had a problem. Try again later.";
    case ActivationStatus::invalid_license:
      return "The activation server sent a license this version cannot use (" + r.message + ").";
    case ActivationStatus::unavailable:
      return "Online activation is not available on this computer (" + r.message +
             "). Activate offline.";
    case ActivationStatus::device_key_mismatch:
      return "This computer is already activated from another installation. Deactivate it "
             "there, or contact support.";
    case ActivationStatus::not_activatable:
      return "This license is registered to specific computers. Contact support to add this "
             "one.";
    case ActivationStatus::io_error:
      return "The license could not be saved (" + r.message + ").";
  }
  return r.message;
}

// One sentence per deactivation answer.
std::string explain(const licet::DeactivationResult& r) {
  using licet::DeactivationStatus;
  switch (r.status) {
    case DeactivationStatus::deactivated:
      return "This computer is deactivated; the seat is free for another computer.";
    case DeactivationStatus::not_activated:
      return "This computer is not activated.";
    case DeactivationStatus::not_active:
      return "This computer no longer held a seat; it is deactivated.";
    case DeactivationStatus::no_device_key:
      return "This computer was registered by the vendor. Contact support to move the "
             "license.";
    case DeactivationStatus::transfer_cap:
      return "This license was moved too often recently. It stays active on this computer; "
             "contact support to move it.";
    case DeactivationStatus::invalid_token:
      return "The activation server did not accept this computer's request (" + r.message +
             "). Check the date and time.";
    case DeactivationStatus::unknown_license:
      return "The activation server does not know this license. Contact support.";
    case DeactivationStatus::rate_limited:
    case DeactivationStatus::network_error:
    case DeactivationStatus::timeout:
    case DeactivationStatus::tls_error:
    case DeactivationStatus::server_error:
    case DeactivationStatus::unavailable:
      return "The activation server cannot be reached. The license stays active here; try "
             "again later.";
    case DeactivationStatus::bad_request:
    case DeactivationStatus::io_error:
      return "Deactivation failed (" + r.message + ").";
  }
  return r.message;
}

int report(const licet::VerifyResult& r) {
  if (!r.ok()) {
    std::cout << "[" << licet::to_string(r.code) << "] " << explain(r) << "\n";
    return r.code == licet::ErrorCode::not_activated ? 3 : 2;
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

// Every launch: the stored license, offline. A license that wants a fresh revocation feed
// gets one sync (the only time the app goes online by itself), then one more check.
licet::VerifyResult check_stored(const licet::Verifier& verifier) {
  licet::VerifyResult r = verifier.verify_stored();
  if (r.code == licet::ErrorCode::stale_revocations && verifier.sync().ok()) {
    r = verifier.verify_stored();
  }
  return r;
}

int launch(const licet::Verifier& verifier, const char* server_url, const char* license_key) {
  const licet::VerifyResult r = check_stored(verifier);
  if (r.code != licet::ErrorCode::not_activated || server_url == nullptr) return report(r);
  // First launch: the activation screen, where the user typed license_key.
  const licet::ActivationResult a = verifier.activate(server_url, license_key);
  std::cout << "[" << licet::to_string(a.status) << "] " << explain(a) << "\n";
  if (!a.ok()) return 3;
  return report(check_stored(verifier));
}

int deactivate(const licet::Verifier& verifier, const char* server_url) {
  const licet::DeactivationResult d = verifier.deactivate(server_url);
  std::cout << "[" << licet::to_string(d.status) << "] " << explain(d) << "\n";
  return d.ok() || d.status == licet::DeactivationStatus::not_active ? 0 : 4;
}

int install(const licet::Verifier& verifier, const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cout << "[io_error] The license file could not be opened (" << path << ").\n";
    return 2;
  }
  std::stringstream text;
  text << in.rdbuf();
  return report(verifier.store(text.str()));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string command = argc > 4 ? argv[4] : "";
  if (argc < 5 || (command == "launch" && argc != 5 && argc != 7) ||
      (command != "launch" && argc != 6)) {
    std::cerr << "usage: " << argv[0]
              << " PUBLIC_KEY PRODUCT STATE_DIR launch [SERVER_URL LICENSE_KEY]\n"
              << "       " << argv[0] << " PUBLIC_KEY PRODUCT STATE_DIR deactivate SERVER_URL\n"
              << "       " << argv[0] << " PUBLIC_KEY PRODUCT STATE_DIR install|check FILE\n";
    return 1;
  }
  licet::VerifierConfig config;
  config.public_keys = {argv[1]};
  config.product = argv[2];
  config.state_dir = argv[3];
  config.release_date = kAppReleaseDate;
  // Containers and CI runners have no stable hardware IDs: there the operator sets
  // LICET_DEVICE_ID on purpose, and the app opts in. A desktop app leaves this off (anyone could
  // copy a node-locked file and set the variable to an ID printed in it).
  config.allow_device_id_override = std::getenv("APP_RUNS_IN_CONTAINER") != nullptr;
  auto verifier = licet::Verifier::create(std::move(config));
  if (!verifier) {
    std::cerr << "cannot set up the license check: " << verifier.error().message << "\n";
    return 1;
  }
  if (command == "launch") {
    return launch(*verifier, argc == 7 ? argv[5] : nullptr, argc == 7 ? argv[6] : nullptr);
  }
  if (command == "deactivate") return deactivate(*verifier, argv[5]);
  if (command == "install") return install(*verifier, argv[5]);
  if (command == "check") return report(verifier->verify_file(argv[5]));
  std::cerr << "unknown command '" << command << "'\n";
  return 1;
}
