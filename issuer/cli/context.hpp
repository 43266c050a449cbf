// What every licet command shares: the global options, the data directory, the ledger opened for
// this command, the passphrase source, and how results and refusals are printed.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "core/ledger.hpp"
#include "core/refusal.hpp"

namespace licet::issuer::cli {

// A refusal on its way to main(), which prints it and exits with its code.
class Failure : public std::runtime_error {
 public:
  explicit Failure(core::Refusal r) : std::runtime_error(r.message), refusal_(std::move(r)) {}
  Failure(core::Code code, std::string message)
      : Failure(core::Refusal{code, std::move(message), {}}) {}
  const core::Refusal& refusal() const { return refusal_; }
  int exit_code_override = -1;   // e.g. inspect's "not valid"
  bool already_printed = false;  // --json printed the document that says what failed

 private:
  core::Refusal refusal_;
};

struct Context {
  // Global options (DESIGN "The CLIs").
  std::string data_dir_option;  // --data-dir
  bool json = false;            // --json
  std::string actor;            // --actor (default: the OS user)
  std::string passphrase_file;  // --passphrase-file

  // --data-dir, else $LICET_HOME, else $XDG_DATA_HOME/licet, else ~/.local/share/licet.
  std::filesystem::path data_dir() const;
  std::string effective_actor() const;
  core::LedgerOptions ledger_options() const;
  core::PassphraseSource passphrase_source() const;

  // The ledger of the data directory and a session on it, opened on first use.
  core::Session& session();

 private:
  std::unique_ptr<core::Ledger> ledger_;
  std::unique_ptr<sql::Connection> conn_;
  std::unique_ptr<core::Session> session_;
};

// A passphrase from `file` if given, else the environment variable `env`, else a terminal prompt
// (twice when `confirm`).
std::unique_ptr<core::Passphrase> read_passphrase(const std::string& file, const char* env,
                                                  bool confirm);

// The value of an Outcome, or a Failure with its refusal.
template <class T>
T take(core::Outcome<T> o) {
  if (!o) throw Failure(o.refusal());
  return std::move(o).value();
}

}  // namespace licet::issuer::cli
