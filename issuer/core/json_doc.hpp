// JSON documents with cereal (name-value pairs): every document type has
//   template <class Archive> void save(Archive& ar) const;
// and to_json() writes it as one compact line, the same bytes for the CLI's --json and the HTTP
// API. Absent optional values are written as null, never left out, so readers see a fixed shape.
#pragma once

#include <cereal/archives/json.hpp>
#include <cereal/types/string.hpp>
#include <cereal/types/vector.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "licet/common/time.hpp"

namespace licet::issuer::core {

// cereal's writer indents; documents go out on one line (strings never hold raw newlines).
std::string compact_json(const std::string& pretty);

template <class Doc>
std::string to_json(const Doc& doc) {
  std::ostringstream os;
  {
    cereal::JSONOutputArchive ar(os, cereal::JSONOutputArchive::Options::NoIndent());
    doc.save(ar);
  }
  return compact_json(os.str());
}

// A value written as its JSON, or null.
template <class Archive, class T>
void nullable(Archive& ar, const char* name, const std::optional<T>& v) {
  if (v) {
    ar(cereal::make_nvp(name, *v));
  } else {
    ar(cereal::make_nvp(name, nullptr));
  }
}

// An RFC 3339 time ("2026-12-01T00:00:00Z"), or null.
template <class Archive>
void time_value(Archive& ar, const char* name, const std::optional<UnixTime>& t) {
  if (t) {
    ar(cereal::make_nvp(name, format_rfc3339(*t)));
  } else {
    ar(cereal::make_nvp(name, nullptr));
  }
}

// A JSON object of strings (meta), member per entry.
struct StringMap {
  const std::map<std::string, std::string>* map;
  template <class Archive>
  void save(Archive& ar) const {
    for (const auto& [k, v] : *map) ar(cereal::make_nvp(k.c_str(), v));
  }
};

// Any JSON value, parsed from text the ledger stored (audit before/after, token claims), so a
// document can embed it as JSON rather than as a string.
struct JsonTree {
  using Object = std::vector<std::pair<std::string, JsonTree>>;
  using Array = std::vector<JsonTree>;
  std::variant<std::nullptr_t, bool, std::int64_t, double, std::string, Array, Object> value;

  // Text that does not parse is kept as a string (an edited row must not break the document).
  static JsonTree parse(const std::string& text);

  template <class Archive>
  void save(Archive& ar) const;
};

template <class Archive>
void save_tree_value(Archive& ar, const char* name, const JsonTree& t);

template <class Archive>
void JsonTree::save(Archive& ar) const {
  if (const auto* obj = std::get_if<Object>(&value)) {
    for (const auto& [k, v] : *obj) save_tree_value(ar, k.c_str(), v);
  }
}

template <class Archive>
void save_tree_value(Archive& ar, const char* name, const JsonTree& t) {
  std::visit(
      [&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::nullptr_t>) {
          ar(cereal::make_nvp(name, nullptr));
        } else if constexpr (std::is_same_v<V, JsonTree::Array>) {
          ar.setNextName(name);
          ar.startNode();
          ar.makeArray();
          for (const auto& item : v) save_tree_value(ar, nullptr, item);
          ar.finishNode();
        } else if constexpr (std::is_same_v<V, JsonTree::Object>) {
          ar.setNextName(name);
          ar.startNode();
          for (const auto& [k, item] : v) save_tree_value(ar, k.c_str(), item);
          ar.finishNode();
        } else {
          ar(cereal::make_nvp(name, v));
        }
      },
      t.value);
}

// A document member holding a JsonTree (or null).
template <class Archive>
void tree(Archive& ar, const char* name, const std::optional<std::string>& json_text) {
  if (!json_text) {
    ar(cereal::make_nvp(name, nullptr));
    return;
  }
  save_tree_value(ar, name, JsonTree::parse(*json_text));
}

}  // namespace licet::issuer::core
