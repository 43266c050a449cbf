#include "core/json_doc.hpp"

#include <rapidjson/document.h>

namespace licet::issuer::core {
namespace {

JsonTree from_value(const rapidjson::Value& v) {
  JsonTree t;
  if (v.IsNull()) {
    t.value = nullptr;
  } else if (v.IsBool()) {
    t.value = v.GetBool();
  } else if (v.IsInt64()) {
    t.value = v.GetInt64();
  } else if (v.IsNumber()) {
    t.value = v.GetDouble();
  } else if (v.IsString()) {
    t.value = std::string(v.GetString(), v.GetStringLength());
  } else if (v.IsArray()) {
    JsonTree::Array a;
    for (const auto& item : v.GetArray()) a.push_back(from_value(item));
    t.value = std::move(a);
  } else {
    JsonTree::Object o;
    for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
      o.emplace_back(std::string(it->name.GetString(), it->name.GetStringLength()),
                     from_value(it->value));
    }
    t.value = std::move(o);
  }
  return t;
}

}  // namespace

std::string compact_json(const std::string& pretty) {
  std::string out;
  out.reserve(pretty.size());
  bool in_string = false;
  bool escaped = false;
  for (std::size_t i = 0; i < pretty.size(); ++i) {
    const char c = pretty[i];
    if (in_string) {
      out += c;
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      out += c;
    } else if (c != '\n' && c != ' ' && c != '\t' && c != '\r') {
      out += c;
    }
  }
  return out;
}

JsonTree JsonTree::parse(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.data(), text.size());
  if (d.HasParseError()) {
    JsonTree t;
    t.value = text;
    return t;
  }
  return from_value(d);
}

}  // namespace licet::issuer::core
