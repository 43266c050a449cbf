// Errors as values: the fixed code set of DESIGN.md, each with a one-line message.
// C++17 on purpose: the verifier's public header includes this file.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace licet {

enum class ErrorCode {
  ok = 0,
  malformed,
  bad_signature,
  unknown_key,
  wrong_product,
  not_yet_valid,
  expired,
  maintenance_expired,
  device_not_bound,
  revoked,
  superseded,
  stale_revocations,
  clock_tampered,
  io_error,
  not_activated,  // the local license store holds no license: show the activation screen
  lease_expired,  // a floating lease ran out: renew it or check out again
};

// The stable snake_case name used in JSON output, C ABI strings and docs.
std::string_view to_string(ErrorCode code) noexcept;
// Inverse of to_string; nullopt for an unknown name.
std::optional<ErrorCode> error_code_from_string(std::string_view name) noexcept;

struct Error {
  ErrorCode code = ErrorCode::malformed;
  std::string message;  // one line, no secrets
};

// A value or an Error. Small on purpose: std::expected is C++23 and the public headers are C++17.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const noexcept { return value_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }

  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }

  const Error& error() const& { return error_; }
  Error&& error() && { return std::move(error_); }
  ErrorCode code() const noexcept { return ok() ? ErrorCode::ok : error_.code; }

 private:
  std::optional<T> value_;
  Error error_;
};

// Result<void>.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const noexcept { return !error_.has_value(); }
  explicit operator bool() const noexcept { return ok(); }
  const Error& error() const { return *error_; }
  ErrorCode code() const noexcept { return ok() ? ErrorCode::ok : error_->code; }

 private:
  std::optional<Error> error_;
};

inline Error make_error(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

}  // namespace licet
