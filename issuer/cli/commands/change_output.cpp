#include "cli/commands/change_output.hpp"

#include <fmt/core.h>

#include "cli/output.hpp"

namespace licet::issuer::cli {

void deliver(Context& ctx, core::ChangeResult r, const std::string& out) {
  const std::string path = out.empty() ? r.license.r.key + ".lic" : out;
  std::FILE* const report = report_stream(r.file ? path : "");
  if (r.file) {
    // The token is committed to the ledger already: a failed write loses nothing, and the file
    // can be written again from the ledger.
    try {
      r.written_to = write_output(path, r.file->file_text);
    } catch (const Failure& f) {
      throw Failure(core::Code::io_error,
                    f.refusal().message +
                        " (the license is recorded; write the file again with "
                        "`licet export " +
                        r.license.r.key + " --out FILE`)");
    }
  } else if (!out.empty() && r.changed) {
    fmt::print(stderr, "note: {} has no license file to write ({} license)\n", r.license.r.key,
               r.license.r.kind);
  }
  if (ctx.json) return print_json(r, report);
  fmt::print(report, "{}\n", safe(r.message));
  if (r.written_to) fmt::print(report, "  file {}\n", *r.written_to);
  if (r.backup) fmt::print(report, "  backup {}\n", r.backup->string());
}

}  // namespace licet::issuer::cli
