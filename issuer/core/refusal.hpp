// Why an operation did not do what was asked: one typed code per kind of refusal, a one-line
// message for people, and details for programs. Every door maps the code once: the CLI to an exit
// code (cli/exit_codes.cpp), the server to an HTTP status (server/statuses.cpp). The codes' names
// are the `error` member of every JSON error document (docs/ARCHITECTURE.md "Refusals").
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace licet::issuer::core {

enum class Code {
  bad_request,          // a value is unusable (names the field and why)
  unknown_license,      // no license with this key (or a typo: the message suggests neighbours)
  unknown_device,       // the device is not bound to the license
  unknown_key,          // no such signing key
  unknown_token,        // no such API token
  revoked,              // the license is revoked
  expired,              // the license has expired
  seats_full,           // every seat is taken
  seats_in_use,         // fewer seats than bound devices
  transfer_cap,         // too many device removals in the window
  wrong_product,        // the device's app is for another product
  device_key_mismatch,  // the device ID is bound with another device key
  not_activatable,      // the license's kind does not take this activation
  not_active,           // the device holds no seat
  no_device_key,        // the device was bound by the vendor, without a device key
  invalid_token,        // a request token that does not authenticate the device
  conflict,             // the change contradicts the ledger's state (e.g. a name in use)
  needs_confirmation,   // the change is legal but surprising: repeat it with the flag named
  key_unavailable,      // the signing key cannot be loaded (passphrase, missing key file)
  integrity,            // the audit trail or the ledger file fails its check
  ledger_busy,          // another writer holds the ledger; try again
  ledger_error,         // the ledger cannot be read or written (damaged, read-only, full)
  io_error,             // a file outside the ledger cannot be read or written
  internal,             // a bug
};

std::string_view to_string(Code code);

struct Refusal {
  Code code = Code::internal;
  std::string message;               // one line, for people
  std::vector<std::string> details;  // e.g. the bound devices with seats_full
};

// Thrown inside issuer/core and caught at each operation's boundary (core/guard.hpp), which
// returns it as a value.
class Refused : public std::exception {
 public:
  Refused(Code code, std::string message, std::vector<std::string> details = {})
      : refusal_{code, std::move(message), std::move(details)} {}
  const char* what() const noexcept override { return refusal_.message.c_str(); }
  const Refusal& refusal() const { return refusal_; }

 private:
  Refusal refusal_;
};

// A result or a refusal.
template <class T>
class [[nodiscard]] Outcome {
 public:
  Outcome(T value) : v_(std::move(value)) {}            // NOLINT(google-explicit-constructor)
  Outcome(Refusal refusal) : v_(std::move(refusal)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &std::get<T>(v_); }
  const T* operator->() const { return &std::get<T>(v_); }
  T& operator*() & { return std::get<T>(v_); }
  const T& operator*() const& { return std::get<T>(v_); }
  const Refusal& refusal() const { return std::get<Refusal>(v_); }

 private:
  std::variant<T, Refusal> v_;
};

}  // namespace licet::issuer::core
