#include "context.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>

#include "ledger/schema.hpp"

namespace licet::issuer {

std::filesystem::path Context::data_dir() const {
  if (!data_dir_option.empty()) return data_dir_option;
  if (const char* home = std::getenv("LICET_HOME"); home != nullptr && *home != '\0') return home;
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    return std::filesystem::path(xdg) / "licet";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return std::filesystem::path(home) / ".local" / "share" / "licet";
  }
  throw CliError("no data directory: pass --data-dir or set LICET_HOME");
}

std::string Context::effective_actor() const {
  if (!actor.empty()) return actor;
  if (const passwd* pw = ::getpwuid(::geteuid()); pw != nullptr && pw->pw_name != nullptr) {
    return pw->pw_name;
  }
  if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
  return "uid:" + std::to_string(::geteuid());
}

Db Context::open_ledger() const {
  const auto path = ledger_path();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    throw CliError("no ledger in " + data_dir().string() + " (run `licet init` first)");
  }
  Db db = Db::open(path, false);
  migrate(db);
  return db;
}

}  // namespace licet::issuer
