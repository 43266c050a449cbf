#include "licet/common/armor.hpp"

namespace licet::armor {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

Error malformed(std::string message) {
  return make_error(ErrorCode::malformed, std::move(message));
}

// A table rather than comparisons, eight characters per step: every character of a license
// passes through it on every check.
struct TokenChars {
  unsigned char ok[256];
  constexpr TokenChars() : ok() {
    for (int c = 0; c < 256; ++c) {
      ok[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    }
  }
};
constexpr TokenChars kTokenChars;

bool token_chars(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* t = kTokenChars.ok;
  const std::size_t n = s.size();
  unsigned ok = 1;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    ok &= t[p[i]] & t[p[i + 1]] & t[p[i + 2]] & t[p[i + 3]] & t[p[i + 4]] & t[p[i + 5]] &
          t[p[i + 6]] & t[p[i + 7]];
  }
  for (; i < n; ++i) ok &= t[p[i]];
  return ok != 0;
}

}  // namespace

std::string write(std::string_view token, const std::vector<std::string>& comments) {
  std::string out;
  for (const auto& c : comments) {
    out += "# ";
    for (char ch : c) out += (ch == '\n' || ch == '\r') ? ' ' : ch;
    out += '\n';
  }
  out += kBegin;
  out += '\n';
  for (std::size_t i = 0; i < token.size(); i += kLineWidth) {
    out += token.substr(i, kLineWidth);
    out += '\n';
  }
  out += kEnd;
  out += '\n';
  return out;
}

Result<LicenseFile> read(std::string_view text) {
  if (text.size() > kMaxFileBytes) {
    return malformed("license file is larger than 2 MiB (" + std::to_string(kMaxFileBytes) +
                     " bytes)");
  }
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  LicenseFile file;
  enum { kBefore, kInside, kAfter } state = kBefore;
  bool saw_begin = false;
  std::size_t line_no = 0;
  std::string bare;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    const std::string_view raw = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    const std::string_view line = trim(raw);
    // Built only on the error paths: this loop runs on every license check.
    const auto where = [line_no] { return " (line " + std::to_string(line_no) + ")"; };
    switch (state) {
      case kBefore:
        if (line.empty()) continue;
        if (line == kBegin) {
          state = kInside;
          saw_begin = true;
        } else if (line.front() == '#') {
          std::string comment(trim(line.substr(line.size() > 1 && line[1] == ' ' ? 2 : 1)));
          // A lone CR inside a comment would break the line in some viewers; write() turns it
          // into a space too, so a comment reads back the same after a rewrite.
          for (char& c : comment) c = c == '\r' ? ' ' : c;
          file.comments.push_back(std::move(comment));
        } else if (file.comments.empty() && bare.empty() && line.substr(0, 3) == "v4.") {
          bare = line;  // a bare token; it must be the only content
          state = kAfter;
        } else {
          return malformed("unexpected text before the BEGIN LICET LICENSE line" + where());
        }
        break;
      case kInside:
        if (line == kEnd) {
          state = kAfter;
        } else if (line.empty()) {
          continue;
        } else {
          if (!token_chars(line)) {
            return malformed("invalid character inside the license block" + where());
          }
          // One allocation for the whole token, not one per line.
          if (file.token.empty()) file.token.reserve(text.size() + line.size());
          file.token += line;
        }
        break;
      case kAfter:
        if (!line.empty()) return malformed("unexpected text after the license" + where());
        break;
    }
  }
  if (!saw_begin && bare.empty())
    return malformed("no BEGIN LICET LICENSE line: not a license file");
  if (state == kInside) return malformed("missing END LICET LICENSE line");
  if (!saw_begin) {
    if (!token_chars(bare)) return malformed("invalid character in the license token");
    file.token = bare;
  }
  if (file.token.empty()) return malformed("the license block is empty");
  return file;
}

}  // namespace licet::armor
