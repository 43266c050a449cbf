// How the commands that change a license report it: write the new file where the user asked
// (or next to them as KEY.lic), then one line for people or the change document.
#pragma once

#include <optional>
#include <string>

#include "cli/context.hpp"
#include "core/ops/results.hpp"

namespace licet::issuer::cli {

// `out`: the --out option; empty = ./<KEY>.lic when the change produced a file.
void deliver(Context& ctx, core::ChangeResult r, const std::string& out);

}  // namespace licet::issuer::cli
