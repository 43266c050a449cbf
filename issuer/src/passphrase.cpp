#include "passphrase.hpp"

#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "licet/common/file_io.hpp"
#include "licet/common/sodium_init.hpp"

namespace licet::issuer {
namespace {

std::string read_tty_line(const char* prompt) {
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (tty == nullptr) {
    throw CliError(
        "a passphrase is needed: use --passphrase-file FILE or LICET_PASSPHRASE (no terminal to "
        "prompt on)");
  }
  std::fputs(prompt, tty);
  std::fflush(tty);
  termios old{};
  const int fd = fileno(tty);
  const bool is_term = ::tcgetattr(fd, &old) == 0;
  if (is_term) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::string line;
  for (int c = std::fgetc(tty); c != EOF && c != '\n'; c = std::fgetc(tty)) {
    line += static_cast<char>(c);
  }
  if (is_term) ::tcsetattr(fd, TCSAFLUSH, &old);
  std::fputs("\n", tty);
  std::fclose(tty);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

void wipe(std::string& s) {
  sodium_memzero(s.data(), s.size());
}

}  // namespace

Passphrase::Passphrase(std::string_view text) : size_(text.size()) {
  ensure_sodium();  // sodium_malloc aborts before sodium_init
  data_ = static_cast<char*>(sodium_malloc(size_ + 1));
  if (data_ == nullptr) throw std::bad_alloc();
  std::memcpy(data_, text.data(), size_);
  data_[size_] = '\0';
}

Passphrase::~Passphrase() {
  sodium_free(data_);
}

std::unique_ptr<Passphrase> obtain_passphrase(const Context& ctx, bool confirm) {
  std::string text;
  if (!ctx.passphrase_file.empty()) {
    auto content = read_file(ctx.passphrase_file, 4096);
    if (!content) throw CliError("cannot read the passphrase file: " + content.error().message);
    text = std::move(*content);
    // One line; a trailing newline from `echo … > file` is not part of the passphrase.
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  } else if (const char* env = std::getenv("LICET_PASSPHRASE"); env != nullptr) {
    text = env;
  } else {
    text = read_tty_line("Signing key passphrase: ");
    if (confirm) {
      std::string again = read_tty_line("Repeat the passphrase: ");
      const bool same = again == text;
      wipe(again);
      if (!same) {
        wipe(text);
        throw CliError("the passphrases do not match");
      }
    }
  }
  if (text.empty()) throw CliError("the passphrase is empty");
  auto out = std::make_unique<Passphrase>(text);
  wipe(text);
  return out;
}

}  // namespace licet::issuer
