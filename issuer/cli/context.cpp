#include "cli/context.hpp"

#include <fmt/core.h>
#include <pwd.h>
#include <sodium.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "licet/common/file_io.hpp"

namespace licet::issuer::cli {
namespace {

using core::Code;
using core::Refused;

std::string read_tty_line(const char* prompt) {
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (tty == nullptr) {
    throw Refused(Code::key_unavailable,
                  "a passphrase is needed: use --passphrase-file FILE or LICET_PASSPHRASE (no "
                  "terminal to prompt on)");
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
  for (int c = std::fgetc(tty); c != EOF && c != '\n'; c = std::fgetc(tty))
    line += static_cast<char>(c);
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

std::filesystem::path Context::data_dir() const {
  if (!data_dir_option.empty()) return data_dir_option;
  if (const char* home = std::getenv("LICET_HOME"); home != nullptr && *home != '\0') return home;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::filesystem::path(xdg) / "licet";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::filesystem::path(home) / ".local" / "share" / "licet";
  }
  throw Failure(Code::bad_request, "no data directory: pass --data-dir or set LICET_HOME");
}

std::string Context::effective_actor() const {
  if (!actor.empty()) return actor;
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
  return "uid:" + std::to_string(::geteuid());
}

std::unique_ptr<core::Passphrase> read_passphrase(const std::string& file, const char* env_name,
                                                  bool confirm) {
  std::string text;
  const char* env = std::getenv(env_name);
  if (!file.empty()) {
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0 && (st.st_mode & 077) != 0) {
      // ssh refuses such key files; a passphrase file is as sensitive, but refusing would break
      // deployments that mount secrets read-only, so it is a loud warning.
      fmt::print(stderr,
                 "warning: the passphrase file {} is readable by group or others; run: chmod 600 "
                 "{}\n",
                 file, file);
    }
    auto content = read_file(file, 4096);
    if (!content) {
      throw Refused(Code::key_unavailable,
                    "cannot read the passphrase file: " + content.error().message);
    }
    text = std::move(*content);
    // One line; a trailing newline from `echo … > file` is not part of the passphrase.
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  } else if (env != nullptr) {
    text = env;
  } else {
    text = read_tty_line(confirm ? "New signing key passphrase: " : "Signing key passphrase: ");
    if (confirm) {
      std::string again = read_tty_line("Repeat the passphrase: ");
      const bool same = again == text;
      wipe(again);
      if (!same) {
        wipe(text);
        throw Refused(Code::key_unavailable, "the passphrases do not match");
      }
    }
  }
  if (text.empty()) throw Refused(Code::key_unavailable, "the passphrase is empty");
  auto out = std::make_unique<core::Passphrase>(text);
  wipe(text);
  return out;
}

core::PassphraseSource Context::passphrase_source() const {
  const std::string file = passphrase_file;
  return [file](bool confirm) { return read_passphrase(file, "LICET_PASSPHRASE", confirm); };
}

core::LedgerOptions Context::ledger_options() const {
  core::LedgerOptions o;
  o.data_dir = data_dir();
  o.passphrase = passphrase_source();
  o.log = [](std::string_view note) { fmt::print(stderr, "licet: {}\n", note); };
  return o;
}

core::Session& Context::session() {
  if (!session_) {
    try {
      ledger_ = core::Ledger::open(ledger_options());
      conn_ = ledger_->connect();
    } catch (const Refused& r) {
      throw Failure(r.refusal());
    } catch (const sql::Error& e) {
      throw Failure(Code::ledger_error, e.what());
    }
    session_ =
        std::make_unique<core::Session>(core::Session{*ledger_, *conn_, {effective_actor()}});
  }
  return *session_;
}

}  // namespace licet::issuer::cli
