// What every licet command shares: global options, the data directory and its ledger.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "ledger/db.hpp"

namespace licet::issuer {

// A failure a command reports to the user: "error: <message>" on stderr, exit code.
class CliError : public std::runtime_error {
 public:
  explicit CliError(const std::string& message, int exit_code = 1)
      : std::runtime_error(message), exit_code_(exit_code) {}
  int exit_code() const { return exit_code_; }

 private:
  int exit_code_;
};

struct Context {
  // Global options (DESIGN.md "The CLIs").
  std::string data_dir_option;  // --data-dir
  bool json = false;            // --json
  std::string actor;            // --actor (default: the OS user)
  std::string passphrase_file;  // --passphrase-file

  // --data-dir, else $LICET_HOME, else $XDG_DATA_HOME/licet, else ~/.local/share/licet.
  std::filesystem::path data_dir() const;
  std::filesystem::path ledger_path() const { return data_dir() / "ledger.db"; }
  std::string effective_actor() const;

  // Opens the existing ledger (and migrates it); a clear error when `licet init` has not run.
  Db open_ledger() const;
};

}  // namespace licet::issuer
