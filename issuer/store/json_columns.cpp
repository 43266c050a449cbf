#include "store/json_columns.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "licet/common/json.hpp"
#include "store/sql.hpp"

namespace licet::issuer::store {
namespace {

[[noreturn]] void corrupt(const char* what) {
  throw sql::Error(sql::Error::Kind::corrupt, std::string("the ledger's ") + what +
                                                  " column was edited and is not valid JSON");
}

}  // namespace

std::string to_json_array(const std::vector<std::string>& items) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartArray();
  for (const auto& s : items) w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
  return {buf.GetString(), buf.GetSize()};
}

std::string to_json_object(const std::map<std::string, std::string>& items) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const auto& [k, v] : items) {
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndObject();
  return {buf.GetString(), buf.GetSize()};
}

std::vector<std::string> array_from_json(const std::string& text) {
  auto doc = json::parse_object("{\"a\":" + text + "}");
  if (!doc || !(*doc)["a"].IsArray()) corrupt("features");
  std::vector<std::string> out;
  for (const auto& v : (*doc)["a"].GetArray()) {
    if (!v.IsString()) corrupt("features");
    out.emplace_back(v.GetString(), v.GetStringLength());
  }
  return out;
}

std::map<std::string, std::string> object_from_json(const std::string& text) {
  auto doc = json::parse_object(text);
  if (!doc) corrupt("meta");
  std::map<std::string, std::string> out;
  const rapidjson::Value& obj = *doc;
  for (auto it = obj.MemberBegin(); it != obj.MemberEnd(); ++it) {
    if (!it->value.IsString()) corrupt("meta");
    out.emplace(std::string(it->name.GetString(), it->name.GetStringLength()),
                std::string(it->value.GetString(), it->value.GetStringLength()));
  }
  return out;
}

}  // namespace licet::issuer::store
