#include "licet/common/json.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>

#include <set>
#include <string>

namespace licet::json {
namespace {

// Returns an empty string when fine, else the problem.
std::string check_tree(const rapidjson::Value& v, int depth, const Limits& limits) {
  if (v.IsObject() || v.IsArray()) {
    if (depth > limits.max_depth) {
      return "JSON nests deeper than " + std::to_string(limits.max_depth) + " levels";
    }
  }
  if (v.IsObject()) {
    // Pairwise for small objects (claims have about 15 members): no allocation per object.
    const auto name_of = [](const rapidjson::Value& n) {
      return std::string_view(n.GetString(), n.GetStringLength());
    };
    const bool small = v.MemberCount() <= 32;
    std::set<std::string_view> seen;
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      const std::string_view name = name_of(it->name);
      bool dup = false;
      if (small) {
        for (auto prev = v.MemberBegin(); prev != it && !dup; ++prev)
          dup = name_of(prev->name) == name;
      } else {
        dup = !seen.insert(name).second;
      }
      if (dup) return "duplicate JSON member \"" + std::string(name) + "\"";
      if (auto e = check_tree(it->value, depth + 1, limits); !e.empty()) return e;
    }
  } else if (v.IsArray()) {
    for (const auto& item : v.GetArray()) {
      if (auto e = check_tree(item, depth + 1, limits); !e.empty()) return e;
    }
  }
  return {};
}

}  // namespace

Result<rapidjson::Document> parse_object(std::string_view text, const Limits& limits) {
  if (text.size() > limits.max_bytes) {
    return make_error(ErrorCode::malformed,
                      "JSON is larger than " + std::to_string(limits.max_bytes) + " bytes");
  }
  // A byte-order mark and a NUL byte are refused by name: RapidJSON's own entry points skip the
  // first and stop at the second, so two readers could see different documents in the same
  // bytes (docs/FORMAT.md, "Claims JSON").
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    return make_error(ErrorCode::malformed,
                      "invalid JSON: it starts with a UTF-8 byte-order mark (EF BB BF)");
  }
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return make_error(ErrorCode::malformed,
                      "invalid JSON at byte " + std::to_string(nul) + ": a NUL byte");
  }
  rapidjson::Document doc;
  // Iterative parsing: deep nesting cannot exhaust the stack before the depth check runs.
  constexpr unsigned kFlags =
      rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  // A plain byte stream, not Document::Parse's EncodedInputStream: that one silently drops any
  // of the bytes EF, BB, BF at the start.
  rapidjson::MemoryStream bytes(text.data(), text.size());
  doc.ParseStream<kFlags, rapidjson::UTF8<>>(bytes);
  if (doc.HasParseError()) {
    return make_error(ErrorCode::malformed, std::string("invalid JSON at byte ") +
                                                std::to_string(doc.GetErrorOffset()) + ": " +
                                                rapidjson::GetParseError_En(doc.GetParseError()));
  }
  // Belt and braces for the NUL rule above: the parser must have read every byte.
  if (bytes.Tell() != text.size()) {
    return make_error(ErrorCode::malformed, "invalid JSON at byte " + std::to_string(bytes.Tell()) +
                                                ": text after the document");
  }
  if (!doc.IsObject()) return make_error(ErrorCode::malformed, "JSON top level is not an object");
  if (auto e = check_tree(doc, 1, limits); !e.empty()) return make_error(ErrorCode::malformed, e);
  return doc;
}

std::string_view type_name(const rapidjson::Value& v) {
  switch (v.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "boolean";
    case rapidjson::kObjectType:
      return "object";
    case rapidjson::kArrayType:
      return "array";
    case rapidjson::kStringType:
      return "string";
    case rapidjson::kNumberType:
      return "number";
  }
  return "unknown";
}

}  // namespace licet::json
