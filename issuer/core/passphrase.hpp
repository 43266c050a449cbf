// The signing keys' passphrase, in sodium guarded memory (locked, wiped when freed). Where it
// comes from is the door's business (the CLI prompts or reads a file; the server asks once at
// start-up): the core only asks a PassphraseSource when it needs one.
#pragma once

#include <functional>
#include <memory>
#include <string_view>

namespace licet::issuer::core {

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

// confirm: a new passphrase (ask twice where a person types it). Throws Refused(key_unavailable)
// with a message that says how to provide one.
using PassphraseSource = std::function<std::unique_ptr<Passphrase>(bool confirm)>;

}  // namespace licet::issuer::core
