// Where the signing key's passphrase comes from: --passphrase-file, $LICET_PASSPHRASE, or a
// prompt on the terminal without echo. The passphrase lives in sodium secure memory.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "context.hpp"

namespace licet::issuer {

class Passphrase {
 public:
  explicit Passphrase(std::string_view text);
  ~Passphrase();
  Passphrase(const Passphrase&) = delete;
  Passphrase& operator=(const Passphrase&) = delete;
  std::string_view view() const { return {data_, size_}; }

 private:
  char* data_;
  std::size_t size_;
};

// confirm: ask twice on a TTY (new keys). Throws CliError when no source is available.
std::unique_ptr<Passphrase> obtain_passphrase(const Context& ctx, bool confirm);

}  // namespace licet::issuer
